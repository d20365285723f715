"""Write the whole export of a release (called by the dbt model `exp_publication`, downstream of
every secrecy test: if one fails, dbt skips it and the previous export stays as it was)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from ..cartographie.exports import preparer_cartes
from ..erreurs import ErreurPeuplement
from ..protection.registre import Registre
from .classeur import ENSEMBLE, ecrire_classeur
from .commentaires import lire_commentaires
from .donnees import lire
from .ecriture import ecrire_atomiquement
from .ouvert import ecrire_cellules, ecrire_indicateurs, ecrire_zones
from .rapport import ecrire_rapport


def dossier_exports() -> Path:
    """PEUPLEMENT_EXPORTS, else `exports/` of the study whose warehouse dbt is building."""
    if os.environ.get("PEUPLEMENT_EXPORTS"):
        return Path(os.environ["PEUPLEMENT_EXPORTS"])
    base = Path(os.environ.get("PEUPLEMENT_DB", "peuplement.duckdb")).resolve()
    etude = base.parent.parent if base.parent.name == "entrepot" else base.parent
    return etude / "exports"


def noms_fichiers(code_epci: str, millesime: int, bailleurs) -> dict[str, str]:
    """landlord code (or `ensemble`) -> workbook file name."""
    noms = {ENSEMBLE: f"classeur_cil_{code_epci}_{millesime}.xlsx"}
    noms.update({b: f"restitution_{b}_{millesime}.xlsx" for b in bailleurs})
    return noms


def nom_rapport(code_epci: str, millesime: int) -> str:
    return f"rapport_cil_{code_epci}_{millesime}.pdf"


def exporter(relations: dict, dossier: Path, operateur: str | None) -> pa.Table:
    pub = lire(relations)
    if pub.cibles_exposees:  # dbt skips this model when the audit fails; never export anyway
        raise ErreurPeuplement(
            f"audit du secret en échec ({pub.cibles_exposees} cibles) : rien n'est exporté"
        )
    presents = sorted({b for (_, _, b, _) in pub.restitutions})
    etude = dossier.parent
    commentaires = lire_commentaires(etude)  # a malformed file stops here, before any writing
    cartes = preparer_cartes(pub, dossier, operateur)  # maps, HTML map, GeoPackage
    restitution = pub.restitution()  # a landlord's own figures, primary rules only
    ecrivains = {
        nom: (
            lambda chemin, b=b: ecrire_classeur(
                chemin,
                pub if b == ENSEMBLE else restitution,
                b,
                cartes.cartes if b == ENSEMBLE else cartes.restitutions.get(b, ()),
            )
        )
        for b, nom in noms_fichiers(pub.code_epci, pub.millesime, presents).items()
    }
    ecrivains[nom_rapport(pub.code_epci, pub.millesime)] = lambda chemin: ecrire_rapport(
        chemin, pub, commentaires, cartes.cartes
    )
    ecrivains["cellules.csv"] = lambda chemin: ecrire_cellules(pub, chemin)
    ecrivains["zones.csv"] = lambda chemin: ecrire_zones(pub, chemin)
    ecrivains["indicateurs.csv"] = lambda chemin: ecrire_indicateurs(pub, chemin)
    ecrivains.update(cartes.ecrivains)
    registre = Registre(etude) if (etude / "registre").is_dir() else None
    # the manifest carries the register's anchor: a later truncation of the register shows
    ecriture = ecrire_atomiquement(
        dossier, ecrivains, {"registre": registre.ancre()} if registre else None
    )
    fichiers = ecriture.fichiers
    cartes.retirer_anciennes(dossier)
    if registre:
        registre.ajouter(
            "export",
            operateur or "dbt",
            {
                "dossier": str(dossier),
                "fichiers": [{"nom": n, "sha256": h} for n, h, _ in fichiers],
                "fichiers_remplaces": ecriture.remplaces,
                "ecritures_reprises": ecriture.reprises,
            },
            "reussi",
            f"{len(fichiers)} fichier(s) exporté(s) après un audit du secret sans échec "
            f"({pub.cibles_auditees} cibles)",
        )
    return pa.table(
        {
            "fichier": [n for n, _, _ in fichiers],
            "chemin": [str(dossier / n) for n, _, _ in fichiers],
            "sha256": [h for _, h, _ in fichiers],
            "octets": [o for _, _, o in fichiers],
        }
    )
