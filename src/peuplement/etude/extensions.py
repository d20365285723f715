"""DuckDB extensions from their PyPI packages (`duckdb-extension-<nom>==1.5.5`): the local file,
after checking its hash; never downloaded.

May import: `peuplement.erreurs`.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from ..erreurs import ErreurConfiguration


def extension_locale(nom: str, empreintes: set[str]) -> Path:
    """The local file of DuckDB extension `nom`, refused unless its SHA-256 is expected."""
    try:
        paquet = importlib.import_module(f"duckdb_extension_{nom}")
    except ImportError as exc:
        raise ErreurConfiguration(
            f"le paquet duckdb-extension-{nom}==1.5.5 n'est pas installé (make install)"
        ) from exc
    fichiers = sorted(Path(paquet.__file__).parent.glob(f"extensions/*/{nom}.duckdb_extension"))
    if not fichiers:
        raise ErreurConfiguration(f"extension {nom} introuvable dans duckdb-extension-{nom}")
    empreinte = hashlib.sha256(fichiers[-1].read_bytes()).hexdigest()
    if empreinte not in empreintes:
        raise ErreurConfiguration(
            f"extension {nom} {fichiers[-1]} : empreinte {empreinte} inattendue (version ou "
            "fichier modifié) ; refus de la charger"
        )
    return fichiers[-1]
