"""DuckDB with its spatial extension, loaded from the local file of the PyPI package
`duckdb-extension-spatial==1.5.5` after checking its SHA-256: never installed from the network.
The extension carries GDAL (reading GeoPackage, shapefile, GeoJSON) and PROJ (reprojection)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from ..erreurs import ErreurConfiguration

# duckdb-extension-spatial==1.5.5 (PyPI), linux x86_64
EMPREINTES_SPATIAL = {"03cbb687fbb1583af6154266dc17b9c99e11fdcc1cd4a43cec19f38ef272d4de"}


def extension_spatial() -> Path:
    """The local spatial extension file, after checking its hash."""
    try:
        import duckdb_extension_spatial
    except ImportError as exc:
        raise ErreurConfiguration(
            "le paquet duckdb-extension-spatial==1.5.5 n'est pas installé (make install)"
        ) from exc
    fichiers = sorted(
        Path(duckdb_extension_spatial.__file__).parent.glob("extensions/*/spatial.duckdb_extension")
    )
    if not fichiers:
        raise ErreurConfiguration("extension spatial introuvable dans duckdb-extension-spatial")
    empreinte = hashlib.sha256(fichiers[-1].read_bytes()).hexdigest()
    if empreinte not in EMPREINTES_SPATIAL:
        raise ErreurConfiguration(
            f"extension spatial {fichiers[-1]} : empreinte {empreinte} inattendue (version ou "
            "fichier modifié) ; refus de la charger"
        )
    return fichiers[-1]


def connecter() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the spatial extension; one thread, so that every geometric
    result (unions, Voronoi cells) comes out in the same order from run to run."""
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": 1,
        }
    )
    con.execute(f"load '{extension_spatial()}'")
    return con
