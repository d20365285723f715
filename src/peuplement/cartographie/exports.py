"""The maps' place in the export (`exports/publication.py`, after the secrecy gate): read the
contours, record them in the register, draw every static map into a temporary folder, and hand
the export one writer per file (static maps in `exports/cartes/`, the interactive HTML map and
the GeoPackage beside the workbooks) so that they are moved into `exports/` with the workbooks,
all or nothing. Without contours, `exports/cartes/LISEZMOI.txt` says why there is no map."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..exports.donnees import Publication
from ..protection.registre import Registre
from . import zones_etude
from .classes import CARTES_RESTITUTION, MAILLES_RESTITUTION
from .fonds import Fonds, charger_fonds
from .interactive import ecrire_carte_interactive, nom_carte_interactive
from .paquet import ecrire_paquet, nom_geopackage
from .statique import Carte, Lot, dessiner_lots

DOSSIER = "cartes"
LISEZMOI = f"{DOSSIER}/LISEZMOI.txt"


@dataclass
class Preparation:
    fonds: Fonds
    cartes: list[Carte]  # drawn in `temporaire` (another writer may embed them)
    ecrivains: dict[str, Callable[[Path], None]]  # export file name -> writer
    temporaire: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    # landlord -> the maps of its restitution (PNG, its own figures, primary rules only), for
    # the « Cartes » sheet of its workbook; not written as files of their own
    restitutions: dict[str, list[Carte]] = field(default_factory=dict)

    def retirer_anciennes(self, dossier_exports: Path) -> None:
        """After the export: remove the maps of a previous export that this one did not draw."""
        dossier_exports = Path(dossier_exports)
        anciennes = [
            *(dossier_exports / DOSSIER).glob("*"),
            *dossier_exports.glob("carte_interactive_*.html"),
            *dossier_exports.glob("cartographie_*.gpkg"),
        ]
        for chemin in anciennes:
            if (
                chemin.is_file()
                and chemin.relative_to(dossier_exports).as_posix() not in self.ecrivains
            ):
                chemin.unlink()
        if self.temporaire is not None:
            self.temporaire.cleanup()


def _copie(source: Path) -> Callable[[Path], None]:
    def ecrire(chemin: Path) -> None:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, chemin)

    return ecrire


def _texte(contenu: str) -> Callable[[Path], None]:
    def ecrire(chemin: Path) -> None:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_text(contenu, encoding="utf-8")

    return ecrire


def preparer_cartes(
    pub: Publication, dossier_exports: Path, operateur: str | None = None
) -> Preparation:
    """Everything the maps add to the export of `pub` into `dossier_exports` (a study's
    `exports/`: its contours are in the sibling `referentiels/`)."""
    dossier_exports = Path(dossier_exports)
    etude = dossier_exports.parent
    fonds = charger_fonds(etude / "referentiels", zones_etude(pub), pub.geographie)
    _inscrire(etude, fonds, operateur)
    (dossier_exports / DOSSIER).mkdir(parents=True, exist_ok=True)
    if fonds.absence:
        return Preparation(fonds, [], {LISEZMOI: _texte(f"Cartes : {fonds.absence}.\n")})
    temporaire = tempfile.TemporaryDirectory(prefix=".cartes-", dir=dossier_exports)
    # the CIL's maps and each landlord's, drawn together in one pool of processes
    restitution = pub.restitution()
    bailleurs = sorted({b for (_, _, b, _) in pub.restitutions})
    cartes, *des_bailleurs = dessiner_lots(
        fonds,
        [Lot(pub, Path(temporaire.name))]
        + [
            Lot(
                restitution,
                Path(temporaire.name) / b,
                CARTES_RESTITUTION,
                MAILLES_RESTITUTION,
                formats=("png",),
                bailleur=b,
            )
            for b in bailleurs
        ],
    )
    ecrivains: dict[str, Callable[[Path], None]] = {
        f"{DOSSIER}/{chemin.name}": _copie(chemin)
        for carte in cartes
        for chemin in carte.chemins.values()
    }
    html, gpkg = nom_carte_interactive(pub), nom_geopackage(pub)
    lignes = [
        f"Cartes de la publication « {pub.etude} » ({pub.libelle_epci}, {pub.millesime}) :",
        "valeurs publiées seulement, après le secret statistique.",
        "",
        f"- ../{html} : carte interactive (un fichier à ouvrir dans un navigateur, sans réseau)",
        f"- ../{gpkg} : GeoPackage de la publication, une couche par maille (QGIS, Magrit)",
        *(f"- {c.chemin.stem} (.png, .svg) : {c.titre}" for c in cartes),
    ]
    if fonds.remarques:
        lignes += ["", "Remarques sur les contours :", *(f"- {r}" for r in fonds.remarques)]
    ecrivains[LISEZMOI] = _texte("\n".join(lignes) + "\n")
    ecrivains[html] = lambda chemin: ecrire_carte_interactive(chemin, pub, fonds)
    ecrivains[gpkg] = lambda chemin: ecrire_paquet(chemin, pub, fonds)
    restitutions = dict(zip(bailleurs, des_bailleurs, strict=True))
    return Preparation(fonds, cartes, ecrivains, temporaire, restitutions)


def _inscrire(etude: Path, fonds: Fonds, operateur: str | None) -> None:
    """The contour files read (name, SHA-256, vintage, projection, zones found) in the register."""
    if not (etude / "registre").is_dir() or not fonds.sources:
        return
    Registre(etude).ajouter(
        "contours",
        operateur or "dbt",
        {
            "fichiers": [
                {
                    "nom": s.fichier,
                    "sha256": s.sha256,
                    "maille": s.maille,
                    "millesime": s.millesime,
                    "projection_source": s.projection_source,
                    "codes_inconnus": len(s.codes_inconnus),
                    "entites": s.entites,
                    "zones_retrouvees": s.zones_retrouvees,
                    "zones_sans_contour": len(s.zones_sans_contour),
                }
                for s in fonds.sources
            ],
            "projection": f"EPSG:{fonds.srid}",
        },
        "reussi",
        f"{len(fonds.sources)} fichier(s) de contours lus pour les cartes"
        + "".join(f" ; {r}" for r in fonds.remarques),
    )
