"""The contours of the study's zones (« fonds de carte »), read from the files the user dropped
into `referentiels/`: IRIS (IGN–INSEE « Contours… IRIS », GeoPackage or shapefile), QPV
(ANCT, GeoJSON or shapefile), optionally communes (else the IRIS dissolved by commune).

Each file is read with GDAL (DuckDB spatial), reprojected to the territory's projection
(Lambert-93 in metropolitan France, the local UTM zone overseas), and its codes are checked
against the study's zones (`dim_zones`): zones without contour and files that match nothing
are said, never guessed. A study without any contour file gets a `Fonds` whose `absence`
says why there is no map."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .spatial import connecter

EXTENSIONS = {".gpkg", ".shp", ".geojson", ".json"}
# maille -> (how the file name starts or what it contains, code columns by preference)
GENRES = {
    "iris": (("iris",), ("code_iris", "dcomiris", "iris_code", "codeiris", "code")),
    "qpv": (("qpv", "qp"), ("code_qp", "code_qpv", "codeqp", "qp", "code")),
    "commune": (
        ("commune",),
        ("code_insee", "insee_com", "code_commune", "codgeo", "insee", "code"),
    ),
}
LONGUEURS = {"iris": 9, "commune": 5}  # codes read as numbers lose their leading zeros
# Projection of a territory, by the department of its communes (EPSG codes)
PROJECTIONS = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}
LAMBERT_93 = 2154
TOLERANCE_DESSIN = 2.0  # metres: simplification of the outlines drawn (not of the GeoPackage)


@dataclass
class Contour:
    maille: str
    code: str
    plan: list  # GeoJSON MultiPolygon coordinates in the projection of the territory (metres)
    wgs84: list  # the same, simplified, in longitude / latitude (EPSG:4326) for the HTML map
    wkb: bytes  # full-precision geometry (projection of the territory) for the GeoPackage
    enveloppe: tuple[float, float, float, float]
    etiquette: tuple[float, float]  # a point inside the zone, for its label


@dataclass
class Source:
    maille: str
    fichier: str
    sha256: str
    millesime: int | None
    srid_source: int | None
    entites: int
    zones_retrouvees: int
    zones_sans_contour: list[str]


@dataclass
class Fonds:
    srid: int  # projection of the territory
    contours: dict[str, dict[str, Contour]] = field(default_factory=dict)  # maille -> code ->
    sources: list[Source] = field(default_factory=list)
    remarques: list[str] = field(default_factory=list)  # in French, for the analyst
    derivees: set[str] = field(default_factory=set)  # mailles dissolved from the IRIS

    @property
    def absence(self) -> str | None:
        """Why there is no map at all, or None."""
        if self.contours:
            return None
        raisons = " ; ".join(self.remarques)
        return (
            "aucune carte : aucun fichier de contours utilisable dans referentiels/ (IRIS, QPV "
            "ou communes en GeoPackage, shapefile ou GeoJSON, voir docs/cartographie.md)"
            + (f" — {raisons}" if raisons else "")
        )


def projection(codes_communes) -> int:
    """EPSG code of the territory's projection, from its communes' department."""
    departements = {PROJECTIONS.get(c[:3], LAMBERT_93) for c in codes_communes}
    return departements.pop() if len(departements) == 1 else LAMBERT_93


def _sha256(chemin: Path) -> str:
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def fichiers_contours(dossier: Path) -> dict[str, list[Path]]:
    """maille -> contour files of `dossier` (by name: « iris », « qp… », « commune »)."""
    trouves: dict[str, list[Path]] = {m: [] for m in GENRES}
    if not dossier.is_dir():
        return trouves
    for chemin in sorted(dossier.iterdir()):
        if chemin.suffix.lower() not in EXTENSIONS or chemin.name.startswith("."):
            continue
        mots = re.split(r"[^a-z0-9]+", chemin.stem.lower())
        for maille, (debuts, _) in GENRES.items():
            if any(m.startswith(d) for m in mots for d in debuts):
                trouves[maille].append(chemin)
                break
    return trouves


def _millesime(chemin: Path) -> int | None:
    annees = re.findall(r"(?<!\d)(20\d\d)(?!\d)", chemin.stem)
    return int(annees[-1]) if annees else None


def _couche(con, chemin: Path, colonnes: tuple[str, ...]) -> tuple[str, str, int | None] | str:
    """(layer, code column, EPSG code) of the first layer with a code column, or why not."""
    try:
        (couches,) = con.execute("select layers from ST_Read_Meta(?)", [str(chemin)]).fetchone()
    except Exception as exc:  # GDAL's message says what is wrong with the file
        return f"illisible ({str(exc).splitlines()[0]})"
    for couche in couches:
        champs = {f["name"].lower(): f["name"] for f in couche["fields"]}
        colonne = next((champs[c] for c in colonnes if c in champs), None)
        if colonne is None or not couche["geometry_fields"]:
            continue
        crs = couche["geometry_fields"][0].get("crs") or {}
        code = crs.get("auth_code")
        srid = int(code) if crs.get("auth_name") == "EPSG" and code else None
        return couche["name"], colonne, srid
    return f"aucune couche n'a de colonne de code ({', '.join(colonnes[:3])}…)"


def _code(valeur: str, maille: str) -> str:
    valeur = valeur.strip()
    if maille in LONGUEURS and valeur.isdigit():
        return valeur.zfill(LONGUEURS[maille])
    return valeur


def charger_fonds(dossier_referentiels: Path, zones_etude: dict[str, set[str]]) -> Fonds:
    """Read the contour files of `dossier_referentiels` for the study's zones
    (`zones_etude`: maille -> codes, e.g. from `Publication.zones`)."""
    fonds = Fonds(srid=projection(zones_etude.get("commune", set())))
    fichiers = fichiers_contours(Path(dossier_referentiels))
    con = connecter()
    try:
        con.execute(
            "create table contours (maille varchar, code varchar, geom geometry, rang integer)"
        )
        for rang, (maille, chemin) in enumerate(
            (m, c) for m, liste in fichiers.items() for c in liste
        ):
            _lire_fichier(con, fonds, maille, chemin, zones_etude.get(maille, set()), rang)
        if "commune" not in {s.maille for s in fonds.sources} and any(
            s.maille == "iris" for s in fonds.sources
        ):
            _communes_des_iris(con, fonds, zones_etude.get("commune", set()))
        _extraire(con, fonds)
    finally:
        con.close()
    if not any(fichiers.values()):
        fonds.remarques.append("aucun fichier de contours dans referentiels/")
    return fonds


def _lire_fichier(con, fonds: Fonds, maille: str, chemin: Path, attendues: set[str], rang: int):
    nom = chemin.name
    couche = _couche(con, chemin, GENRES[maille][1])
    if isinstance(couche, str):
        fonds.remarques.append(f"{nom} : {couche} ; fichier ignoré")
        return
    nom_couche, colonne, srid = couche
    if srid is None:
        fonds.remarques.append(
            f"{nom} : système de coordonnées inconnu (fichier .prj absent ?) ; fichier ignoré"
        )
        return
    lignes = con.execute(
        f'select "{colonne}"::varchar, ST_AsWKB(geom) from ST_Read(?, layer := ?) '
        "where geom is not null",
        [str(chemin), nom_couche],
    ).fetchall()
    codes = {}
    for code, wkb in lignes:
        if code is not None:
            codes.setdefault(_code(code, maille), wkb)
    retrouvees = sorted(attendues & codes.keys())
    if retrouvees:
        con.executemany(
            "insert into contours select ?, ?, ST_Transform(ST_MakeValid(ST_GeomFromWKB(?)), ?, ?, "
            "always_xy := true), ? ",
            [[maille, c, codes[c], f"EPSG:{srid}", f"EPSG:{fonds.srid}", rang] for c in retrouvees],
        )
    sans = sorted(attendues - codes.keys())
    fonds.sources.append(
        Source(
            maille,
            nom,
            _sha256(chemin),
            _millesime(chemin),
            srid,
            len(lignes),
            len(retrouvees),
            sans,
        )
    )
    if not retrouvees and attendues:
        fonds.remarques.append(
            f"{nom} : aucun des {len(attendues)} codes {maille} de l'étude ne s'y trouve "
            f"(colonne {colonne} ; millésime ou territoire différent ?)"
        )
    elif sans:
        exemples = ", ".join(sans[:5]) + (" …" if len(sans) > 5 else "")
        fonds.remarques.append(
            f"{nom} : {len(sans)} zone(s) {maille} de l'étude sans contour ({exemples}) ; "
            "elles n'apparaissent pas sur les cartes"
        )


def _communes_des_iris(con, fonds: Fonds, attendues: set[str]) -> None:
    """Communes dissolved from the IRIS (an IRIS code starts with its commune's code)."""
    con.execute(
        "insert into contours select 'commune', left(code, 5), "
        "ST_Union_Agg(geom order by code), 1000 from contours where maille = 'iris' "
        "group by left(code, 5) order by 2"
    )
    con.execute(
        "delete from contours where maille = 'commune' and not list_contains(?, code)",
        [sorted(attendues)],
    )
    fonds.derivees.add("commune")


def _extraire(con, fonds: Fonds) -> None:
    lignes = con.execute(
        "with g as (select maille, code, ST_Multi(geom) as geom from contours "
        "where not ST_IsEmpty(geom) qualify row_number() over (partition by maille, code "
        "order by rang) = 1) "
        "select maille, code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ?)), "
        "ST_AsGeoJSON(ST_ReducePrecision(ST_Transform(ST_SimplifyPreserveTopology(geom, ?), ?, "
        "'EPSG:4326', always_xy := true), 0.00001)), ST_AsWKB(geom), ST_XMin(geom), "
        "ST_YMin(geom), ST_XMax(geom), ST_YMax(geom), ST_X(ST_PointOnSurface(geom)), "
        "ST_Y(ST_PointOnSurface(geom)) from g order by maille, code",
        [TOLERANCE_DESSIN, 2 * TOLERANCE_DESSIN, f"EPSG:{fonds.srid}"],
    ).fetchall()
    for maille, code, plan, wgs84, wkb, *enveloppe, x, y in lignes:
        fonds.contours.setdefault(maille, {})[code] = Contour(
            maille,
            code,
            _polygones(plan),
            _polygones(wgs84),
            bytes(wkb),
            tuple(enveloppe),
            (x, y),
        )


def _polygones(geojson: str) -> list:
    geometrie = json.loads(geojson)
    if geometrie["type"] == "Polygon":
        return [geometrie["coordinates"]]
    if geometrie["type"] == "MultiPolygon":
        return geometrie["coordinates"]
    return [
        p for g in geometrie.get("geometries", []) for p in _polygones(json.dumps(g))
    ]  # a collection left by a repair: keep its polygons
