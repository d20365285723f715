"""Writing a GeoPackage (OGC 12-128r18) of several feature layers with the standard library's
sqlite3: DuckDB's GDAL writer makes one layer per file, and stamps the time of writing. Here
every layer goes in one file, the contents' date is given, and the same input gives the same
bytes. Geometries come as little-endian WKB (DuckDB's `ST_AsWKB`) with their envelope."""

from __future__ import annotations

import sqlite3
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TYPES = {str: "TEXT", int: "INTEGER", float: "REAL"}


@dataclass
class Couche:
    nom: str  # table name: ASCII snake_case
    description: str
    srid: int
    champs: list[tuple[str, type]]  # (column, str / int / float), after fid and geom
    # (WKB, (xmin, ymin, xmax, ymax), values in the order of `champs`)
    entites: list[tuple[bytes, tuple[float, float, float, float], tuple]] = field(
        default_factory=list
    )


def definitions_srs(con: duckdb.DuckDBPyConnection, srids: set[int]) -> dict[int, tuple[str, str]]:
    """EPSG code -> (name, WKT definition), as GDAL (inside the spatial extension) writes them."""
    definitions = {}
    with tempfile.TemporaryDirectory(prefix="peuplement-srs-") as dossier:
        for srid in sorted(srids):
            chemin = Path(dossier) / f"{srid}.gpkg"
            con.execute(
                f"copy (select ST_Point(0, 0) as geom) to '{chemin}' "
                f"(format gdal, driver 'GPKG', srs 'EPSG:{srid}')"
            )
            with sqlite3.connect(chemin) as lecture:
                nom, definition = lecture.execute(
                    "select srs_name, definition from gpkg_spatial_ref_sys "
                    "where organization = 'EPSG' and organization_coordsys_id = ?",
                    [srid],
                ).fetchone()
            definitions[srid] = (nom, definition)
    return definitions


def geometrie_gpkg(wkb: bytes, srid: int, enveloppe: tuple[float, float, float, float]) -> bytes:
    """GeoPackage binary: header (magic, version, little-endian flags with an XY envelope,
    SRS id, envelope minx maxx miny maxy) then the WKB."""
    xmin, ymin, xmax, ymax = enveloppe
    return b"GP" + struct.pack("<BBi4d", 0, 0b0000_0011, srid, xmin, xmax, ymin, ymax) + wkb


def ecrire_geopackage(
    chemin: Path,
    couches: list[Couche],
    definitions: dict[int, tuple[str, str]],
    horodatage: str,
) -> None:
    """Write `couches` (multipolygon layers) into a new GeoPackage at `chemin`.
    `horodatage`: ISO 8601 UTC date of the contents (`2024-01-01T00:00:00.000Z`)."""
    chemin = Path(chemin)
    if chemin.exists():
        chemin.unlink()
    con = sqlite3.connect(chemin)
    try:
        con.execute("pragma application_id = 1196444487")  # 'GPKG'
        con.execute("pragma user_version = 10400")
        con.executescript(
            """
            create table gpkg_spatial_ref_sys (
                srs_name text not null, srs_id integer primary key, organization text not null,
                organization_coordsys_id integer not null, definition text not null,
                description text);
            create table gpkg_contents (
                table_name text not null primary key, data_type text not null,
                identifier text unique, description text default '', last_change datetime not null,
                min_x double, min_y double, max_x double, max_y double, srs_id integer,
                constraint fk_gc_r_srs_id foreign key (srs_id)
                    references gpkg_spatial_ref_sys(srs_id));
            create table gpkg_geometry_columns (
                table_name text not null, column_name text not null,
                geometry_type_name text not null, srs_id integer not null, z tinyint not null,
                m tinyint not null,
                constraint pk_geom_cols primary key (table_name, column_name),
                constraint uk_gc_table_name unique (table_name),
                constraint fk_gc_tn foreign key (table_name) references gpkg_contents(table_name),
                constraint fk_gc_srs foreign key (srs_id)
                    references gpkg_spatial_ref_sys (srs_id));
            """
        )
        con.executemany(
            "insert into gpkg_spatial_ref_sys values (?, ?, ?, ?, ?, ?)",
            [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
            ]
            + [
                (nom, srid, "EPSG", srid, definition, None)
                for srid, (nom, definition) in sorted(definitions.items())
            ],
        )
        for couche in couches:
            _ecrire_couche(con, couche, horodatage)
        con.commit()
    finally:
        con.close()


def _ecrire_couche(con: sqlite3.Connection, couche: Couche, horodatage: str) -> None:
    colonnes = ", ".join(f'"{nom}" {TYPES[type_]}' for nom, type_ in couche.champs)
    con.execute(
        f'create table "{couche.nom}" (fid integer primary key autoincrement not null, '
        f"geom multipolygon{', ' + colonnes if colonnes else ''})"
    )
    enveloppes = [e for _, e, _ in couche.entites]
    etendue = (
        (
            min(e[0] for e in enveloppes),
            min(e[1] for e in enveloppes),
            max(e[2] for e in enveloppes),
            max(e[3] for e in enveloppes),
        )
        if enveloppes
        else (None, None, None, None)
    )
    con.execute(
        "insert into gpkg_contents values (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)",
        [couche.nom, couche.nom, couche.description, horodatage, *etendue, couche.srid],
    )
    con.execute(
        "insert into gpkg_geometry_columns values (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)",
        [couche.nom, couche.srid],
    )
    marques = ", ".join("?" for _ in range(len(couche.champs) + 1))
    noms = ", ".join(["geom", *(f'"{n}"' for n, _ in couche.champs)])
    con.executemany(
        f'insert into "{couche.nom}" ({noms}) values ({marques})',
        [
            (geometrie_gpkg(wkb, couche.srid, enveloppe), *valeurs)
            for wkb, enveloppe, valeurs in couche.entites
        ],
    )
