"""DuckDB with its spatial extension, loaded from the local file of the PyPI package
`duckdb-extension-spatial==1.5.5` after checking its SHA-256: never installed from the network.
The extension carries GDAL (reading GeoPackage, shapefile, GeoJSON) and PROJ (reprojection)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..etude.extensions import extension_locale

# duckdb-extension-spatial==1.5.5 (PyPI), linux x86_64
EMPREINTES_SPATIAL = {"03cbb687fbb1583af6154266dc17b9c99e11fdcc1cd4a43cec19f38ef272d4de"}


def extension_spatial() -> Path:
    """The local spatial extension file, after checking its hash."""
    return extension_locale("spatial", EMPREINTES_SPATIAL)


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
