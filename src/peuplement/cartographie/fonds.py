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
ARCHIVES = {".zip", ".7z"}
# maille -> (how a word of the file name starts, code columns by preference, columns giving
# the commune(s) of a feature (QPV) or its EPCI (communes), to tell codes of the study's
# territory that the study does not know)
GENRES = {
    "iris": (("iris",), ("code_iris", "dcomiris", "iris_code", "codeiris", "code"), ()),
    "qpv": (
        ("qpv", "qp"),
        ("code_qp", "code_qpv", "codeqp", "qp", "code"),
        ("insee_com", "code_insee", "code_commune", "insee_comm", "depcom"),
    ),
    "commune": (
        ("commune",),
        ("code_insee", "insee_com", "code_commune", "codgeo", "insee", "code"),
        ("siren_epci", "code_epci", "epci"),
    ),
}
# ADMIN EXPRESS layers whose name says « commune » but that are not the communes' contours
# (chefs-lieux are points, associated or delegated communes are parts of a commune)
NON_CONTOURS = {"chflieu", "associee", "deleguee"}
LONGUEURS = {"iris": 9, "commune": 5}  # codes read as numbers lose their leading zeros
# Projection of a territory, by the department of its communes (EPSG codes)
PROJECTIONS = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}
LAMBERT_93 = 2154
TOLERANCE_DESSIN = 2.0  # metres: simplification of the outlines drawn (not of the GeoPackage)
EXEMPLES = 5  # codes named in a remark


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
    fichier: str  # path relative to referentiels/
    sha256: str
    millesime: int | None
    projection_source: str  # as the file says it: « EPSG:2154 », « IGNF:LAMB93 », or its name
    colonne: str  # the code column read
    entites: int
    zones_retrouvees: int
    zones_sans_contour: list[str]
    codes_inconnus: list[str] = field(default_factory=list)  # in the territory, not in the study


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


def _maille_du_nom(chemin: Path) -> str | None:
    mots = re.split(r"[^a-z0-9]+", chemin.stem.lower())
    if NON_CONTOURS & set(mots):
        return None
    for maille, (debuts, _, _) in GENRES.items():
        if any(m.startswith(d) for m in mots for d in debuts):
            return maille
    return None


def fichiers_contours(dossier: Path) -> dict[str, list[Path]]:
    """maille -> contour files of `dossier` and its sub-folders (an official delivery unpacked
    as it comes), recognised by name: a word starting with « iris », « qp… », « commune »."""
    trouves: dict[str, list[Path]] = {m: [] for m in GENRES}
    for chemin in _fichiers(dossier):
        if chemin.suffix.lower() in EXTENSIONS and (maille := _maille_du_nom(chemin)):
            trouves[maille].append(chemin)
    return trouves


def _fichiers(dossier: Path) -> list[Path]:
    dossier = Path(dossier)
    if not dossier.is_dir():
        return []
    return sorted(
        p
        for p in dossier.rglob("*")
        if p.is_file() and not any(q.startswith(".") for q in p.relative_to(dossier).parts)
    )


def _millesime(relatif: Path) -> int | None:
    """The vintage: the edition an IGN path names (« …-ED2024-01-01 »), else the last year
    (20xx) of the file name, else of its folders."""
    edition = re.findall(r"ED(20\d\d)(?!\d)", relatif.as_posix())
    if edition:
        return int(edition[-1])
    for nom in (relatif.stem, *reversed(relatif.parent.parts)):
        annees = re.findall(r"(?<!\d)(20\d\d)(?!\d)", nom)
        if annees:
            return int(annees[-1])
    return None


@dataclass
class _Couche:
    nom: str
    code: str  # code column
    rattachement: str | None  # commune(s) (QPV) or EPCI (communes) column
    projection: str  # what ST_Transform takes: « AUTH:CODE », else the file's WKT
    libelle_projection: str


def _couche(con, chemin: Path, maille: str) -> _Couche | str:
    """The first layer of `chemin` with a code column, or why there is none."""
    _, colonnes, rattachements = GENRES[maille]
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
        if crs.get("auth_name") and crs.get("auth_code"):  # EPSG, or IGNF for IGN's .prj
            code = f"{crs['auth_name']}:{crs['auth_code']}"
            projection_, libelle = code, code
        elif crs.get("wkt"):  # a projection PROJ knows by its parameters only
            projection_, libelle = crs["wkt"], crs.get("name") or "projection sans code"
        else:
            return "système de coordonnées inconnu (fichier .prj absent ?)"
        rattachement = next((champs[c] for c in rattachements if c in champs), None)
        return _Couche(couche["name"], colonne, rattachement, projection_, libelle)
    return f"aucune couche n'a de colonne de code ({', '.join(colonnes[:3])}…)"


def _code(valeur: str, maille: str) -> str:
    valeur = valeur.strip()
    if maille in LONGUEURS and valeur.isdigit():
        return valeur.zfill(LONGUEURS[maille])
    return valeur


def _exemples(codes) -> str:
    codes = sorted(codes)
    return ", ".join(codes[:EXEMPLES]) + (" …" if len(codes) > EXEMPLES else "")


def charger_fonds(
    dossier_referentiels: Path,
    zones_etude: dict[str, set[str]],
    geographie: dict[str, dict[str, str | None]] | None = None,
) -> Fonds:
    """Read the contour files of `dossier_referentiels` for the study's zones
    (`zones_etude`: maille -> codes, e.g. from `Publication.zones`). `geographie` (maille ->
    code -> commune, or EPCI for a commune: the study's référentiels, `Publication.geographie`)
    lets the reader name the codes of a file that lie in the study's territory but that the
    study does not know (another vintage of the IRIS, the QPV of 2024 against those of 2015)."""
    dossier_referentiels = Path(dossier_referentiels)
    fonds = Fonds(srid=projection(zones_etude.get("commune", set())))
    fichiers = fichiers_contours(dossier_referentiels)
    connues = {
        m: set(zones_etude.get(m, set())) | set((geographie or {}).get(m, {})) for m in GENRES
    }
    territoire = {
        "communes": connues["commune"],
        "epci": set(zones_etude.get("epci", set()))
        | {e for e in (geographie or {}).get("commune", {}).values() if e},
    }
    con = connecter()
    try:
        con.execute(
            "create table contours (maille varchar, code varchar, geom geometry, rang integer)"
        )
        rang = 0
        for maille, liste in fichiers.items():
            attendues = zones_etude.get(maille, set())
            trouvees: set[str] = set()
            for chemin in liste:
                rang += 1
                trouvees |= _lire_fichier(
                    con,
                    fonds,
                    maille,
                    chemin,
                    dossier_referentiels,
                    attendues,
                    connues[maille],
                    territoire,
                    rang,
                )
            _dire_manquantes(fonds, maille, attendues, trouvees)
        if "commune" not in {s.maille for s in fonds.sources if s.zones_retrouvees} and any(
            s.maille == "iris" and s.zones_retrouvees for s in fonds.sources
        ):
            _communes_des_iris(con, fonds, zones_etude.get("commune", set()))
        _extraire(con, fonds)
    finally:
        con.close()
    archives = [
        p.name
        for p in _fichiers(dossier_referentiels)
        if p.suffix.lower() in ARCHIVES and _maille_du_nom(Path(p.stem))
    ]
    if archives:
        fonds.remarques.append(
            f"{', '.join(archives)} : archive non lue ; décompressez-la dans referentiels/ "
            "(les fichiers qu'elle contient sont reconnus dans les sous-dossiers)"
        )
    if not any(fichiers.values()):
        fonds.remarques.append("aucun fichier de contours dans referentiels/")
    return fonds


def _lire_fichier(
    con,
    fonds: Fonds,
    maille: str,
    chemin: Path,
    dossier: Path,
    attendues: set[str],
    connues: set[str],
    territoire: dict[str, set[str]],
    rang: int,
) -> set[str]:
    """Read one file into `contours`; returns the study's zones found in it."""
    nom = chemin.relative_to(dossier).as_posix()
    couche = _couche(con, chemin, maille)
    if isinstance(couche, str):
        fonds.remarques.append(f"{nom} : {couche} ; fichier ignoré")
        return set()
    rattachement = f'"{couche.rattachement}"::varchar' if couche.rattachement else "null"
    # only the code columns are read: the names (accents in CP1252 or Latin-1 in a shapefile's
    # .dbf) are not needed, the study's référentiels give them
    lignes = con.execute(
        f'select "{couche.code}"::varchar, {rattachement}, ST_AsWKB(geom) '
        "from ST_Read(?, layer := ?) where geom is not null "
        "and ST_GeometryType(geom) in ('POLYGON', 'MULTIPOLYGON')",
        [str(chemin), couche.nom],
    ).fetchall()
    if not lignes:
        fonds.remarques.append(f"{nom} : aucun polygone (points ou lignes ?) ; fichier ignoré")
        return set()
    parties: dict[str, list[bytes]] = {}  # a zone in several features: all its parts
    rattachements: dict[str, set[str]] = {}
    for code, parent, wkb in lignes:
        if code is None or not code.strip():
            continue
        code = _code(code, maille)
        parties.setdefault(code, []).append(wkb)
        rattachements.setdefault(code, set()).update(
            _code(p, "commune") for p in re.split(r"[,;/\s]+", parent or "") if p
        )
    retrouvees = sorted(attendues & parties.keys())
    if retrouvees:
        con.executemany(
            "insert into contours select ?, ?, ST_Transform(ST_MakeValid(ST_Union_Agg("
            "ST_MakeValid(ST_GeomFromWKB(w)))), ?, ?, always_xy := true), ? "
            "from unnest(?::blob[]) as parties(w)",
            [
                [maille, c, couche.projection, f"EPSG:{fonds.srid}", rang, parties[c]]
                for c in retrouvees
            ],
        )
    inconnus = sorted(
        c
        for c in parties.keys() - connues
        if _dans_le_territoire(maille, c, rattachements[c], territoire)
    )
    fonds.sources.append(
        Source(
            maille,
            nom,
            _sha256(chemin),
            _millesime(chemin.relative_to(dossier)),
            couche.libelle_projection,
            couche.code,
            len(lignes),
            len(retrouvees),
            sorted(attendues - parties.keys()),
            inconnus,
        )
    )
    if inconnus:
        fonds.remarques.append(
            f"{nom} : {len(inconnus)} code(s) {maille} de communes de l'étude inconnus de ses "
            f"référentiels ({_exemples(inconnus)}) ; millésime différent de celui des "
            "référentiels (referentiels/*.csv) ?"
        )
    return set(retrouvees)


def _dans_le_territoire(maille: str, code: str, rattachement: set[str], territoire) -> bool:
    """Whether a feature of a contour file lies in the study's territory, by its code (an IRIS
    code starts with its commune's) or its commune(s) (QPV) or EPCI (commune) column."""
    if maille == "iris":
        return code[:5] in territoire["communes"]
    if maille == "qpv":
        return bool(rattachement & territoire["communes"])
    return bool({r.lstrip("0") for r in rattachement} & {e.lstrip("0") for e in territoire["epci"]})


def _dire_manquantes(fonds: Fonds, maille: str, attendues: set[str], trouvees: set[str]):
    """One remark per maille: its zones found in none of its files."""
    lus = [s for s in fonds.sources if s.maille == maille]
    if not lus or not attendues:
        return
    noms = ", ".join(s.fichier for s in lus)
    if not trouvees:
        colonnes = ", ".join(sorted({s.colonne for s in lus}))
        fonds.remarques.append(
            f"{noms} : aucun des {len(attendues)} codes {maille} de l'étude ne s'y trouve "
            f"(colonne {colonnes} ; millésime ou territoire différent ?)"
        )
        return
    for s in lus:
        if not s.zones_retrouvees:
            fonds.remarques.append(f"{s.fichier} : aucune zone de l'étude ; fichier non utilisé")
    sans = sorted(attendues - trouvees)
    if sans:
        fonds.remarques.append(
            f"{noms} : {len(sans)} zone(s) {maille} de l'étude sans contour ({_exemples(sans)}) ; "
            "elles n'apparaissent pas sur les cartes"
        )


def _communes_des_iris(con, fonds: Fonds, attendues: set[str]) -> None:
    """Communes dissolved from the IRIS (an IRIS code starts with its commune's code)."""
    con.execute(
        "insert into contours select 'commune', left(code, 5), "
        "ST_Union_Agg(geom order by code), 1000000 from contours where maille = 'iris' "
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
