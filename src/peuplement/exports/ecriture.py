"""Atomic writing of an export: every file is written in a temporary folder beside its final
place, then moved into place; a failure leaves the previous export untouched."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def ecrire_atomiquement(
    dossier: Path, ecrivains: dict[str, Callable[[Path], None]]
) -> list[tuple[str, str, int]]:
    """Write each file through its writer, then move them all into `dossier`. Returns
    (name, SHA-256, size) for each file."""
    dossier.mkdir(parents=True, exist_ok=True)
    temporaire = Path(tempfile.mkdtemp(prefix=".export-", dir=dossier))
    try:
        for nom, ecrire in ecrivains.items():
            ecrire(temporaire / nom)
        resultat = []
        for nom in ecrivains:
            contenu = (temporaire / nom).read_bytes()
            resultat.append((nom, hashlib.sha256(contenu).hexdigest(), len(contenu)))
        for nom in ecrivains:
            os.replace(temporaire / nom, dossier / nom)
        return resultat
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
