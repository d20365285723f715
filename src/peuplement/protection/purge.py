"""End of study: destroy every file holding personal data, verify, attest (annex 1).

Destroyed: the landlords' files (everything under bailleurs/ but the mapping files), the
reference files, the warehouse (database, WAL, DuckDB spill folder) and the dbt artefacts of
the study. Kept: the exports (aggregates only), the register, etude.yml and the mapping files.
Each file is overwritten with zeros, then removed; its SHA-256 is recorded first. Then the study
folder and the temporary folder are scanned for the destroyed paths and for any copy (same
SHA-256) left behind, and every kept file (register, exports, settings) for the values of the
landlords' files (`valeurs`): none may be left. The attestation goes into the register and into
an xlsx in exports/.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..chargement.livraisons import sha256_fichier
from ..etude.configuration import FICHIER_CORRESPONDANCES, Etude
from . import valeurs
from .registre import DOSSIER as DOSSIER_REGISTRE
from .registre import Registre


@dataclass
class Attestation:
    date: str
    operateur: str
    fichiers: list[dict] = field(default_factory=list)  # chemin, sha256, octets
    restes: list[str] = field(default_factory=list)  # what the verification still found
    chemin_xlsx: Path | None = None

    @property
    def verifiee(self) -> bool:
        return not self.restes


def a_detruire(etude: Etude) -> list[Path]:
    """Every file of the study that holds (or may hold) personal data."""
    cibles: list[Path] = []
    for dossier in (etude.dossier_bailleurs, etude.dossier_referentiels):
        if dossier.is_dir():
            cibles += [
                p for p in dossier.rglob("*") if p.is_file() and p.name != FICHIER_CORRESPONDANCES
            ]
    identite = etude.dossier / "cles" / "identite.age"  # can decrypt the landlords' transmissions
    if identite.is_file():
        cibles.append(identite)
    entrepot = etude.chemin_base.parent
    if entrepot.is_dir():
        cibles += [p for p in entrepot.rglob("*") if p.is_file()]
    base = etude.chemin_base
    for voisin in (base.with_name(base.name + ".wal"), base.with_name(base.name + ".tmp")):
        if voisin.is_file():
            cibles.append(voisin)
        elif voisin.is_dir():
            cibles += [p for p in voisin.rglob("*") if p.is_file()]
    return sorted(set(cibles))


def effacer(chemin: Path) -> None:
    """Overwrite a file with zeros, then remove it."""
    taille = chemin.stat().st_size
    with open(chemin, "r+b") as f:
        reste = taille
        while reste > 0:
            bloc = min(reste, 1 << 20)
            f.write(b"\0" * bloc)
            reste -= bloc
        f.flush()
        os.fsync(f.fileno())
    chemin.unlink()


def purger(etude: Etude, operateur: str | None = None) -> Attestation:
    operateur = operateur or etude.operateur
    attestation = Attestation(
        dt.datetime.now().astimezone().replace(microsecond=0).isoformat(), operateur
    )
    cibles = a_detruire(etude)
    sensibles, ids = valeurs.a_chercher(etude, cibles)  # read before they are destroyed
    for chemin in cibles:
        attestation.fichiers.append(
            {
                "chemin": str(chemin.relative_to(etude.dossier))
                if chemin.is_relative_to(etude.dossier)
                else str(chemin),
                "sha256": sha256_fichier(chemin),
                "octets": chemin.stat().st_size,
            }
        )
        effacer(chemin)
    for dossier in (
        etude.chemin_base.parent / "dbt",
        etude.chemin_base.with_name(etude.chemin_base.name + ".tmp"),
    ):
        shutil.rmtree(dossier, ignore_errors=True)
    attestation.restes = verifier(etude, attestation) + valeurs.restes(etude, sensibles, ids)
    registre = Registre(etude.dossier)
    entree = registre.ajouter(
        "purge",
        operateur,
        {"fichiers_detruits": attestation.fichiers, "restes": attestation.restes},
        "reussi" if attestation.verifiee else "echec",
        f"{len(attestation.fichiers)} fichier(s) détruit(s) ; vérification "
        + ("sans reste" if attestation.verifiee else f"{len(attestation.restes)} reste(s)"),
    )
    attestation.chemin_xlsx = ecrire_attestation(etude, attestation, entree["empreinte"])
    return attestation


def verifier(etude: Etude, attestation: Attestation) -> list[str]:
    """What is left: a destroyed path that still exists, or a copy of a destroyed file."""
    restes = []
    empreintes = {f["sha256"] for f in attestation.fichiers}
    for f in attestation.fichiers:
        chemin = etude.dossier / f["chemin"]
        if chemin.exists():
            restes.append(f"{f['chemin']} existe encore")
    exclus = {etude.dossier / DOSSIER_REGISTRE}
    for racine in (etude.dossier, Path(tempfile.gettempdir())):
        for p in racine.rglob("*") if racine == etude.dossier else racine.glob("*"):
            if not p.is_file() or any(p.is_relative_to(e) for e in exclus):
                continue
            try:
                if p.stat().st_size and sha256_fichier(p) in empreintes:
                    restes.append(f"{p} est une copie d'un fichier détruit")
            except OSError:
                continue
    return restes


def ecrire_attestation(etude: Etude, attestation: Attestation, empreinte_registre: str) -> Path:
    import xlsxwriter

    from .registre_dpo import entete_etude, heure_locale, mettre_en_page

    exports = etude.dossier / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    chemin = exports / f"attestation_destruction_{attestation.date[:10]}.xlsx"
    classeur = xlsxwriter.Workbook(str(chemin))
    f = classeur.add_worksheet("Attestation")
    gras = classeur.add_format({"bold": True, "valign": "top"})
    texte = classeur.add_format({"text_wrap": True, "valign": "top"})
    titre = classeur.add_format({"bold": True, "font_size": 14})
    tete = classeur.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    cellule = classeur.add_format({"border": 1})
    f.set_column(0, 0, 40)
    f.set_column(1, 1, 70)
    f.set_column(2, 2, 14)
    f.write(0, 0, "Attestation de destruction des données à caractère personnel", titre)
    lignes = entete_etude(etude.dossier) + [
        ("Date de la destruction", heure_locale(attestation.date)),
        ("Opérateur", attestation.operateur),
        (
            "Vérification",
            "aucun reste trouvé dans le dossier de l'étude ni l'espace temporaire, aucune valeur "
            "des fichiers détruits dans ce qui est conservé"
            if attestation.verifiee
            else "; ".join(attestation.restes),
        ),
        ("Conservé", "les exports agrégés (exports/), le registre des opérations, etude.yml"),
        ("Entrée du registre (sceau)", empreinte_registre),
    ]
    for i, (cle, valeur) in enumerate(lignes, start=2):
        f.write(i, 0, cle, gras)
        f.write(i, 1, valeur, texte)
    debut = len(lignes) + 3
    f.write_row(
        debut, 0, ["Fichier détruit", "Empreinte SHA-256 (avant destruction)", "Octets"], tete
    )
    for i, fichier in enumerate(attestation.fichiers, start=debut + 1):
        f.write_row(i, 0, [fichier["chemin"], fichier["sha256"], fichier["octets"]], cellule)
    mettre_en_page(f, f"Attestation de destruction – {etude.nom}", debut)
    classeur.close()
    return chemin
