"""The exports folder, always one whole release: every file is written in a temporary folder
beside its final place with the release's manifest, then moved into place; the manifest goes
last. A failure before the moves leaves the previous release untouched; a crash during the moves
is finished by the next run (the temporary folder says it is complete). Files of the previous
release that the new one does not have (a landlord that left) are moved aside into
`remplaces/<date>/` and listed in the manifest. One release is written at a time (lock file).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MANIFESTE = "manifeste.json"
PREFIXE_TEMPORAIRE = ".export-"
PRET = ".pret"  # marks a temporary folder whose files and manifest are all written
VERROU = ".verrou-export"
DOSSIER_REMPLACES = "remplaces"
# the files of a release, for a folder written before manifests existed
MOTIFS_PUBLICATION = (
    "classeur_cil_*.xlsx",
    "restitution_*.xlsx",
    "rapport_cil_*.pdf",
    "cellules.csv",
    "zones.csv",
    "indicateurs.csv",
)


@dataclass
class Ecriture:
    fichiers: list[tuple[str, str, int]]  # (name, SHA-256, size) of the release
    remplaces: list[str] = field(default_factory=list)  # previous files moved aside (paths)
    reprises: list[str] = field(default_factory=list)  # interrupted writes finished or dropped


@contextlib.contextmanager
def _verrou(dossier: Path) -> Iterator[None]:
    with open(dossier / VERROU, "a") as f:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX)
        except ImportError:
            pass
        yield


def ecrire_atomiquement(
    dossier: Path, ecrivains: dict[str, Callable[[Path], None]], entete: dict | None = None
) -> Ecriture:
    """Write each file through its writer, then make them the release in `dossier`; `entete`
    goes into the manifest (e.g. the register's anchor)."""
    dossier.mkdir(parents=True, exist_ok=True)
    with _verrou(dossier):
        reprises = _reprendre(dossier)
        temporaire = Path(tempfile.mkdtemp(prefix=PREFIXE_TEMPORAIRE, dir=dossier))
        try:
            for nom, ecrire in ecrivains.items():
                ecrire(temporaire / nom)
            fichiers = []
            for nom in ecrivains:
                contenu = (temporaire / nom).read_bytes()
                fichiers.append((nom, hashlib.sha256(contenu).hexdigest(), len(contenu)))
            maintenant = dt.datetime.now().astimezone().replace(microsecond=0)
            noms = set(ecrivains)
            remplaces = [
                {"nom": nom, "vers": f"{DOSSIER_REMPLACES}/{maintenant:%Y-%m-%dT%H%M%S}/{nom}"}
                for nom in _release_precedente(dossier)
                if nom not in noms and (dossier / nom).is_file()
            ]
            manifeste = {
                **(entete or {}),
                "ecrit_le": maintenant.isoformat(),
                "fichiers": [{"nom": n, "sha256": h, "octets": o} for n, h, o in fichiers],
                "remplaces": remplaces,
            }
            _ecrire_json(temporaire / MANIFESTE, manifeste)
            for nom in ecrivains:
                _fsync(temporaire / nom)
            _ecrire_json(temporaire / PRET, {})
        except BaseException:
            shutil.rmtree(temporaire, ignore_errors=True)
            raise
        _achever(dossier, temporaire)
        return Ecriture(fichiers, [r["vers"] for r in remplaces], reprises)


def _release_precedente(dossier: Path) -> list[str]:
    """The files of the release in place: its manifest's, else those matching the exports'
    names."""
    try:
        return [f["nom"] for f in json.loads((dossier / MANIFESTE).read_text("utf-8"))["fichiers"]]
    except (OSError, ValueError, KeyError, TypeError):
        return sorted({p.name for motif in MOTIFS_PUBLICATION for p in dossier.glob(motif)})


def _achever(dossier: Path, temporaire: Path) -> None:
    """Move a complete temporary folder into place (idempotent: a crash here is finished by
    the next run): previous files aside, new files, then the manifest."""
    manifeste = json.loads((temporaire / MANIFESTE).read_text(encoding="utf-8"))
    for remplace in manifeste["remplaces"]:
        if (dossier / remplace["nom"]).is_file():
            _deplacer(dossier / remplace["nom"], dossier / remplace["vers"])
    for fichier in manifeste["fichiers"]:
        if (temporaire / fichier["nom"]).exists():
            _deplacer(temporaire / fichier["nom"], dossier / fichier["nom"])
    os.replace(temporaire / MANIFESTE, dossier / MANIFESTE)
    shutil.rmtree(temporaire, ignore_errors=True)


def _deplacer(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)


def _reprendre(dossier: Path) -> list[str]:
    """Temporary folders left by a crash: finished when complete, removed otherwise."""
    reprises = []
    for temporaire in sorted(dossier.glob(PREFIXE_TEMPORAIRE + "*")):
        if not temporaire.is_dir():
            continue
        if (temporaire / PRET).exists() and (temporaire / MANIFESTE).exists():
            _achever(dossier, temporaire)
            reprises.append(f"{temporaire.name} : écriture interrompue achevée")
        else:
            shutil.rmtree(temporaire, ignore_errors=True)
            reprises.append(f"{temporaire.name} : écriture interrompue abandonnée (supprimé)")
    return reprises


def _ecrire_json(chemin: Path, contenu: dict) -> None:
    with open(chemin, "w", encoding="utf-8") as f:
        json.dump(contenu, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())


def _fsync(chemin: Path) -> None:
    with open(chemin, "rb") as f:
        os.fsync(f.fileno())
