"""Synthetic contours of the demo's geography, written where a user drops the official ones:
`referentiels/contours_iris_2024.gpkg` (IRIS, Lambert-93, fields of the IGN–INSEE
« Contours… IRIS ») and `referentiels/contours_qpv_2015.geojson` (QPV, WGS 84, fields of the
ANCT's files). No commune file: the maps dissolve the IRIS into communes, as they do for a
real study that has none.

How they are drawn: a jittered grid of points (250 m) over the territory; each point goes to
the commune whose centre is nearest relative to its size (through a smooth warp, so that
borders wind), points too far from every centre are outside the EPCI unless communes enclose
them; within a commune the points are grouped into its IRIS by a few k-means steps; a QPV
keeps the points of its IRIS nearest their centre. The Voronoi cells of the points, dissolved by group, are the polygons:
neighbours share their borders exactly. Deterministic for a given seed (own random stream,
one DuckDB thread)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..cartographie.geopackage import Couche, definitions_srs, ecrire_geopackage
from ..cartographie.spatial import connecter
from .geographie import Geographie

PAS = 250.0  # grid step, metres
FICHIER_IRIS = "contours_iris_2024.gpkg"
FICHIER_QPV = "contours_qpv_2015.geojson"
HORODATAGE = "2024-01-01T00:00:00.000Z"


def _points(geo: Geographie, rng: np.random.Generator, con):
    codes = [c for c, _ in geo.communes]
    lon = np.array([geo.centres[c][0] for c in codes])
    lat = np.array([geo.centres[c][1] for c in codes])
    rayon = np.sqrt(np.array([geo.centres[c][2] for c in codes]) * 1e6 / np.pi)
    centres = np.array(
        [
            con.execute(
                "select ST_X(p), ST_Y(p) from (select ST_Transform(ST_Point(?, ?), 'EPSG:4326', "
                "'EPSG:2154', always_xy := true) as p)",
                [float(x), float(y)],
            ).fetchone()
            for x, y in zip(lon, lat, strict=True)
        ]
    )
    marge = 2.5 * rayon.max()
    xs = np.arange(centres[:, 0].min() - marge, centres[:, 0].max() + marge, PAS)
    ys = np.arange(centres[:, 1].min() - marge, centres[:, 1].max() + marge, PAS)
    gx, gy = np.meshgrid(xs, ys)
    x = gx.ravel() + rng.uniform(-0.4, 0.4, gx.size) * PAS
    y = gy.ravel() + rng.uniform(-0.4, 0.4, gy.size) * PAS
    # a smooth warp (a few random waves) so that borders wind instead of running straight
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for _ in range(4):
        k = rng.uniform(1 / 1500, 1 / 600, 2)
        phase = rng.uniform(0, 2 * np.pi, 2)
        dx += 220 * np.sin(k[0] * y + phase[0])
        dy += 220 * np.sin(k[1] * x + phase[1])
    distances = np.hypot(
        (x + dx)[:, None] - centres[None, :, 0], (y + dy)[:, None] - centres[None, :, 1]
    ) / (1.25 * rayon[None, :])
    commune = distances.argmin(axis=1)
    dehors = _exterieur((distances.min(axis=1) > 1.0).reshape(gx.shape)).ravel()
    commune[dehors] = -1  # outside the EPCI
    return x, y, commune


def _exterieur(loin: np.ndarray) -> np.ndarray:
    """The far points of the grid that reach its edge through far points: the far points
    enclosed by communes are holes, given to their nearest commune (an EPCI has no hole)."""
    atteint = np.zeros_like(loin)
    atteint[[0, -1], :] = loin[[0, -1], :]
    atteint[:, [0, -1]] = loin[:, [0, -1]]
    while True:
        voisins = atteint.copy()
        voisins[1:, :] |= atteint[:-1, :]
        voisins[:-1, :] |= atteint[1:, :]
        voisins[:, 1:] |= atteint[:, :-1]
        voisins[:, :-1] |= atteint[:, 1:]
        voisins &= loin
        if (voisins == atteint).all():
            return atteint
        atteint = voisins


def _iris(x, y, commune, geo: Geographie, rng: np.random.Generator) -> np.ndarray:
    iris = np.full(x.size, -1)
    for k in range(len(geo.communes)):
        membres = np.nonzero(commune == k)[0]
        indices = np.nonzero(geo.iris_commune == k)[0]
        if len(indices) == 1 or len(membres) < len(indices):
            iris[membres] = indices[0]
            continue
        pts = np.column_stack([x[membres], y[membres]])
        graines = pts[rng.choice(len(pts), len(indices), replace=False)]
        for _ in range(6):
            groupe = np.linalg.norm(pts[:, None] - graines[None], axis=2).argmin(axis=1)
            for j in range(len(indices)):
                if (groupe == j).any():
                    graines[j] = pts[groupe == j].mean(axis=0)
        groupe = np.linalg.norm(pts[:, None] - graines[None], axis=2).argmin(axis=1)
        # order the IRIS from the densest end (the first IRIS hold the QPV, see geographie)
        ordre = np.argsort(np.linalg.norm(graines - pts.mean(axis=0), axis=1), kind="stable")
        rang = np.empty_like(ordre)
        rang[ordre] = np.arange(len(ordre))
        iris[membres] = indices[rang[groupe]]
    return iris


def _qpv(x, y, iris, geo: Geographie) -> np.ndarray:
    qpv = np.zeros(x.size, dtype=bool)
    etiquette = np.full(x.size, -1)
    for q in range(len(geo.qpv)):
        membres = np.nonzero(np.isin(iris, np.nonzero(geo.iris_qpv == q)[0]))[0]
        if not len(membres):
            continue
        centre = np.array([x[membres].mean(), y[membres].mean()])
        d = np.hypot(x[membres] - centre[0], y[membres] - centre[1])
        garde = membres[d <= np.quantile(d, 0.6)]
        qpv[garde] = True
        etiquette[garde] = q
    return np.where(qpv, etiquette, -1)


def ecrire_contours(dossier_referentiels: Path, geo: Geographie, graine: int) -> list[Path]:
    """Write the synthetic IRIS and QPV contours; returns the files written."""
    rng = np.random.default_rng([graine, 15])  # own stream: the households stay as they were
    con = connecter()
    try:
        x, y, commune = _points(geo, rng, con)
        iris = _iris(x, y, commune, geo, rng)
        qpv = _qpv(x, y, iris, geo)
        con.register(
            "points",
            pa.table({"x": np.round(x, 1), "y": np.round(y, 1), "iris": iris, "qpv": qpv}),
        )
        con.execute(
            "create table cellules as with v as (select unnest(ST_Dump(ST_VoronoiDiagram("
            "ST_Collect(list(ST_Point(x, y) order by x, y))))).geom as cellule from points) "
            "select p.iris, p.qpv, v.cellule from v join points p "
            "on ST_Contains(v.cellule, ST_Point(p.x, p.y))"
        )
        dossier_referentiels.mkdir(parents=True, exist_ok=True)
        chemin_iris = dossier_referentiels / FICHIER_IRIS
        _ecrire_iris(con, geo, chemin_iris)
        chemin_qpv = dossier_referentiels / FICHIER_QPV
        _ecrire_qpv(con, geo, chemin_qpv)
    finally:
        con.close()
    return [chemin_iris, chemin_qpv]


def _polygones(con, colonne: str) -> list[tuple]:
    """(group, WKB, xmin, ymin, xmax, ymax, GeoJSON in WGS 84) by group, in group order."""
    return con.execute(
        f"with g as (select {colonne} as groupe, ST_Multi(ST_ReducePrecision("
        f"ST_Union_Agg(cellule order by ST_XMin(cellule), ST_YMin(cellule)), 0.1)) as geom "
        f"from cellules where {colonne} >= 0 group by {colonne}) "
        "select groupe, ST_AsWKB(geom), ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), "
        "ST_YMax(geom), ST_AsGeoJSON(ST_ReducePrecision(ST_Transform(geom, 'EPSG:2154', "
        "'EPSG:4326', always_xy := true), 0.000001)) from g order by groupe"
    ).fetchall()


def _ecrire_iris(con, geo: Geographie, chemin: Path) -> None:
    noms = dict(geo.communes)
    couche = Couche(
        "contours_iris",
        "Contours IRIS synthétiques (démonstration)",
        2154,
        [
            ("code_insee", str),
            ("nom_commune", str),
            ("iris", str),
            ("code_iris", str),
            ("nom_iris", str),
            ("type_iris", str),
        ],
    )
    for i, wkb, xmin, ymin, xmax, ymax, _ in _polygones(con, "iris"):
        code, libelle, commune = geo.iris[i]
        couche.entites.append(
            (
                bytes(wkb),
                (xmin, ymin, xmax, ymax),
                (commune, noms[commune], code[5:], code, libelle, "H"),
            )
        )
    ecrire_geopackage(chemin, [couche], definitions_srs(con, {2154}), HORODATAGE)


def _ecrire_qpv(con, geo: Geographie, chemin: Path) -> None:
    noms = dict(geo.communes)
    entites = []
    for q, *_, geojson in _polygones(con, "qpv"):
        code, libelle, commune = geo.qpv[q]
        entites.append(
            {
                "type": "Feature",
                "properties": {
                    "code_qp": code,
                    "lib_qp": libelle,
                    "insee_com": commune,
                    "lib_com": noms[commune],
                },
                "geometry": json.loads(geojson),
            }
        )
    chemin.write_text(
        json.dumps(
            {"type": "FeatureCollection", "name": "contours_qpv", "features": entites},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
