"""The official contour files, written here in the layouts they are delivered in (no network:
small synthetic files with the official columns, projections and encodings), dropped into
`referentiels/` as a user unpacks them: IGN–INSEE « Contours… IRIS » (shapefile of the 2.x
editions, Latin-1 .dbf and IGN's own .prj, in the folders of the delivery), IGN ADMIN EXPRESS
communes (.cpg « 1252 », with the chefs-lieux points beside), ANCT QPV 2024 (GeoJSON in WGS 84,
a QPV over two communes), and an overseas territory (UTM zone, .prj without an EPSG code).
Every zone is found, reprojected, and each code of the territory the study does not know is
named with its file."""

from __future__ import annotations

import json

import pytest

from peuplement.cartographie.fonds import charger_fonds
from peuplement.cartographie.spatial import connecter

EPCI = "246200364"
# the .prj files IGN delivers: ESRI WKT without any authority code (GDAL reads IGNF:LAMB93)
PRJ_LAMBERT_93_IGN = (
    'PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",'
    '6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],'
    'PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],'
    'PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],'
    'PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]'
)
PRJ_UTM_40S = (
    'PROJCS["RGR_1992_UTM_40S",GEOGCS["GCS_RGR_1992",DATUM["D_RGR_1992",SPHEROID["GRS_1980",'
    '6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",10000000.0],PARAMETER["Central_Meridian",57.0],'
    'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}


@pytest.fixture(scope="module")
def demo_contours(demo):
    """The demo's synthetic contours (Lambert-93): IRIS and QPV rows with their geometry."""
    ref = demo[0] / "referentiels"
    con = connecter()
    iris = con.execute(
        "select code_iris, code_insee, nom_commune, nom_iris, ST_AsWKB(geom) from ST_Read(?) "
        "order by code_iris",
        [str(ref / "contours_iris_2024.gpkg")],
    ).fetchall()
    qpv = con.execute(
        "select code_qp, lib_qp, insee_com, ST_AsWKB(ST_Transform(geom, 'EPSG:4326', "
        "'EPSG:2154', always_xy := true)) from ST_Read(?) order by code_qp",
        [str(ref / "contours_qpv_2015.geojson")],
    ).fetchall()
    con.close()
    return iris, qpv


def _zones(iris, qpv) -> dict[str, set[str]]:
    return {
        "iris": {r[0] for r in iris},
        "commune": {r[1] for r in iris},
        "qpv": {r[0] for r in qpv},
        "epci": {EPCI},
    }


def _shapefile(con, requete: str, chemin, prj: str | None = None, cpg: str | None = None):
    """A shapefile with a Latin-1 .dbf; `prj` replaces GDAL's .prj, `cpg` its .cpg (None: no
    .cpg, as in older deliveries)."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy ({requete}) to '{chemin}' (format gdal, driver 'ESRI Shapefile', "
        "srs 'EPSG:2154', layer_creation_options 'ENCODING=ISO-8859-1')"
    )
    if prj is not None:
        chemin.with_suffix(".prj").write_text(prj, encoding="ascii")
    chemin.with_suffix(".cpg").unlink()
    if cpg is not None:
        chemin.with_suffix(".cpg").write_text(cpg, encoding="ascii")


def test_the_ign_iris_and_admin_express_files_are_read_as_delivered(demo_contours, tmp_path):
    iris, qpv = demo_contours
    zones = _zones(iris, qpv)
    ref = tmp_path / "referentiels"
    con = connecter()
    con.execute(
        "create table iris (code_iris varchar, insee_com varchar, nom_com varchar, "
        "nom_iris varchar, geom geometry)"
    )
    con.executemany(
        "insert into iris values (?, ?, ?, ?, ST_GeomFromWKB(?))",
        [list(r) for r in iris],
    )
    # a commune split into IRIS the study does not know (another vintage), and an IRIS of a
    # commune outside the study (a national file): only the first is the study's business
    commune_decoupee = iris[0][1]
    con.execute(
        "insert into iris select ? || '0101', insee_com, nom_com, 'Cité Œillets', "
        "ST_Translate(geom, 50000, 0) from iris where code_iris = ?",
        [commune_decoupee, iris[0][0]],
    )
    con.execute(
        "insert into iris select '751010101', '75101', 'Paris 1er', 'Saint-Germain-l''Auxerrois', "
        "ST_Translate(geom, 100000, 0) from iris where code_iris = ?",
        [iris[0][0]],
    )
    livraison = (
        ref
        / "CONTOURS-IRIS_2-1__SHP__FRA_2023-01-01"
        / "CONTOURS-IRIS"
        / "1_DONNEES_LIVRAISON_2023-09-00134"
        / "CONTOURS-IRIS_2-1_SHP_LAMB93_FXX-ED2023-01-01"
    )
    _shapefile(
        con,
        "select insee_com as INSEE_COM, nom_com as NOM_COM, right(code_iris, 4) as IRIS, "
        "code_iris as CODE_IRIS, nom_iris as NOM_IRIS, 'H' as TYP_IRIS, geom from iris",
        livraison / "CONTOURS-IRIS.shp",
        prj=PRJ_LAMBERT_93_IGN,
    )
    assert "é".encode("latin-1") in (livraison / "CONTOURS-IRIS.dbf").read_bytes()
    # ADMIN EXPRESS: its communes (one unknown to the study in its EPCI, one of another EPCI)
    # and the chefs-lieux points, which are no contours
    con.execute(
        "create table communes as select insee_com, min(nom_com) as nom, "
        "ST_Union_Agg(geom) as geom, ? as epci from iris where insee_com <> '75101' "
        "group by insee_com",
        [EPCI],
    )
    con.execute(
        "insert into communes select '62999', 'Commune absente du référentiel', "
        "ST_Translate(geom, 0, 60000), ? from communes where insee_com = ?",
        [EPCI, commune_decoupee],
    )
    con.execute(
        "insert into communes select '59350', 'Lille', ST_Translate(geom, 0, 90000), "
        "'200093201' from communes where insee_com = ?",
        [commune_decoupee],
    )
    admin = (
        ref
        / "ADMIN-EXPRESS-COG_3-2__SHP_LAMB93_FXX_2024-02-22"
        / "ADMIN-EXPRESS-COG"
        / "1_DONNEES_LIVRAISON_2024-03-00156"
        / "ADECOG_3-2_SHP_LAMB93_FXX-ED2024-02-22"
    )
    _shapefile(
        con,
        "select 'COMMUNE_' || insee_com as ID, nom as NOM, upper(nom) as NOM_M, "
        "insee_com as INSEE_COM, 'Commune simple' as STATUT, 1000 as POPULATION, "
        "'6201' as INSEE_CAN, '2' as INSEE_ARR, left(insee_com, 2) as INSEE_DEP, '32' as "
        "INSEE_REG, epci as SIREN_EPCI, geom from communes",
        admin / "COMMUNE.shp",
        cpg="1252",
    )
    _shapefile(
        con,
        "select 'CHFLIEU_' || insee_com as ID, nom as NOM, insee_com as INSEE_COM, "
        "ST_PointOnSurface(geom) as geom from communes",
        admin / "CHFLIEU_COMMUNE.shp",
        cpg="1252",
    )
    (ref / "CONTOURS-IRIS_3-0__GPKG_LAMB93_FXX_2024-01-01.7z").write_bytes(b"7z\xbc\xaf")
    # the study's référentiels: every IRIS and commune of the demo, with their parents
    geographie = {
        "iris": {r[0]: r[1] for r in iris},
        "commune": {r[1]: EPCI for r in iris},
    }
    fonds = charger_fonds(ref, zones, geographie)

    assert set(fonds.contours["iris"]) == zones["iris"]
    assert set(fonds.contours["commune"]) == zones["commune"] and fonds.derivees == set()
    sources = {s.maille: s for s in fonds.sources}
    assert set(sources) == {"iris", "commune"}  # the chefs-lieux are not read
    assert sources["iris"].projection_source == "IGNF:LAMB93" and sources["iris"].millesime == 2023
    assert sources["iris"].colonne == "CODE_IRIS" and sources["iris"].entites == len(iris) + 2
    assert sources["iris"].fichier.endswith("ED2023-01-01/CONTOURS-IRIS.shp")
    assert sources["commune"].millesime == 2024 and sources["commune"].colonne == "INSEE_COM"
    assert sources["iris"].codes_inconnus == [f"{commune_decoupee}0101"]
    assert sources["commune"].codes_inconnus == ["62999"]
    remarques = " | ".join(fonds.remarques)
    assert (
        f"CONTOURS-IRIS.shp : 1 code(s) iris de communes de l'étude inconnus de ses référentiels "
        f"({commune_decoupee}0101)" in remarques
    )
    assert "COMMUNE.shp : 1 code(s) commune de communes de l'étude inconnus" in remarques
    assert "59350" not in remarques and "751010101" not in remarques
    assert "CONTOURS-IRIS_3-0__GPKG_LAMB93_FXX_2024-01-01.7z : archive non lue" in remarques
    # IGN's Lambert-93 is EPSG:2154: the geometry comes back where it was (under 1 m² apart)
    premiere = iris[0][0]
    ecart = con.execute(
        "select ST_Area(ST_SymDifference(ST_GeomFromWKB(?), ST_GeomFromWKB(?)))",
        [fonds.contours["iris"][premiere].wkb, iris[0][4]],
    ).fetchone()[0]
    assert ecart < 1


def _feature(proprietes: dict, geojson: str) -> dict:
    return {"type": "Feature", "properties": proprietes, "geometry": json.loads(geojson)}


def test_the_anct_qpv_2024_file_in_wgs84_with_a_qpv_over_two_communes(demo_contours, tmp_path):
    iris, qpv = demo_contours
    communes = sorted({r[1] for r in iris})
    noms = {r[1]: r[2] for r in iris}
    con = connecter()

    def wgs84(wkb, moitie: str | None = None) -> str:
        """GeoJSON in WGS 84 of a Lambert-93 geometry, or of its western or eastern half."""
        (geojson,) = con.execute(
            "with g as (select ST_GeomFromWKB(?) as g), m as (select g, (ST_XMin(g) + "
            "ST_XMax(g)) / 2 as x from g) select ST_AsGeoJSON(ST_Transform(case ? when 'ouest' "
            "then ST_Intersection(g, ST_MakeEnvelope(ST_XMin(g), ST_YMin(g), x, ST_YMax(g))) "
            "when 'est' then ST_Intersection(g, ST_MakeEnvelope(x, ST_YMin(g), ST_XMax(g), "
            "ST_YMax(g))) else g end, 'EPSG:2154', 'EPSG:4326', always_xy := true)) from m",
            [wkb, moitie],
        ).fetchone()
        return geojson

    # the study as if its QPV référentiel were the 2024 list (QN codes)
    nouveaux = {code: "QN" + code[2:] for code, *_ in qpv}
    entites = []
    for rang, (code, libelle, commune, wkb) in enumerate(qpv):
        proprietes = {
            "code_qp": nouveaux[code],
            "lib_qp": libelle.replace("QPV", "Quartier prioritaire é"),
            "insee_dep": commune[:2],
            "insee_com": commune,
            "lib_com": noms.get(commune, commune),
            "siren_epci": EPCI,
        }
        if rang == 0:  # one QPV over two communes, in one feature
            autre = next(c for c in communes if c != commune)
            proprietes |= {
                "insee_com": f"{commune}, {autre}",
                "lib_com": f"{noms[commune]}, {noms[autre]}",
            }
            entites.append(_feature(proprietes, wgs84(wkb)))
        elif rang == 1:  # another in two features, one per commune: both halves are kept
            entites.append(_feature(proprietes, wgs84(wkb, "ouest")))
            entites.append(_feature(proprietes, wgs84(wkb, "est")))
        else:
            entites.append(_feature(proprietes, wgs84(wkb)))
    # a 2024 QPV of a commune of the study that its référentiel does not list
    entites.append(
        _feature(
            {"code_qp": "QN06299Z", "lib_qp": "Nouveau quartier", "insee_com": communes[-1]},
            wgs84(qpv[-1][3]),
        )
    )
    ref = tmp_path / "referentiels"
    ref.mkdir()
    (ref / "QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "name": "QP2024", "crs": CRS84, "features": entites},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    zones = _zones(iris, qpv) | {"qpv": set(nouveaux.values())}
    geographie = {"qpv": {n: None for n in nouveaux.values()}}
    fonds = charger_fonds(ref, zones, geographie)

    assert set(fonds.contours["qpv"]) == set(nouveaux.values())
    (source,) = fonds.sources
    assert source.projection_source == "EPSG:4326" and source.millesime == 2024
    assert source.entites == len(qpv) + 2 and source.codes_inconnus == ["QN06299Z"]
    assert "QN06299Z" in " | ".join(fonds.remarques)
    # the QPV in two features is whole again: its area is the area of the demo's contour
    deux = nouveaux[qpv[1][0]]
    aires = con.execute(
        "select ST_Area(ST_GeomFromWKB(?)), ST_Area(ST_GeomFromWKB(?))",
        [fonds.contours["qpv"][deux].wkb, qpv[1][3]],
    ).fetchone()
    assert aires[0] == pytest.approx(aires[1], rel=1e-3)

    # the same file against the study's 2015 list: nothing matches, and the 2024 codes found
    # in the study's communes are named
    fonds_2015 = charger_fonds(ref, _zones(iris, qpv), {"qpv": {c: None for c, *_ in qpv}})
    assert "qpv" not in fonds_2015.contours
    remarques = " | ".join(fonds_2015.remarques)
    assert (
        f"QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson : aucun des {len(qpv)} codes qpv "
        "de l'étude ne s'y trouve (colonne code_qp" in remarques
    )
    premiers = ", ".join(sorted([*nouveaux.values(), "QN06299Z"])[:5])
    assert f"{len(qpv) + 1} code(s) qpv de communes de l'étude inconnus de ses " in remarques
    assert f"({premiers} …)" in remarques


def test_an_overseas_study_is_drawn_in_its_utm_zone(tmp_path):
    """La Réunion: IRIS in a shapefile whose .prj has no EPSG code (RGR92 / UTM 40S), one of
    them in two parts; QPV in WGS 84. Everything lands in EPSG:2975."""
    ref = tmp_path / "referentiels"
    con = connecter()
    _shapefile(
        con,
        "select * from (values "
        "('97411', 'Saint-Denis', '974110101', 'Le Chaudron', ST_GeomFromText("
        "'MULTIPOLYGON(((338000 7690000, 339000 7690000, 339000 7691000, 338000 7690000)), "
        "((340000 7690000, 341000 7690000, 341000 7691000, 340000 7690000)))')), "
        "('97411', 'Saint-Denis', '974110102', 'Moufia', ST_GeomFromText("
        "'POLYGON((339000 7690000, 340000 7690000, 340000 7691000, 339000 7690000))'))) "
        "as t(INSEE_COM, NOM_COM, CODE_IRIS, NOM_IRIS, geom)",
        ref / "CONTOURS-IRIS_RGR92UTM40S_REU-ED2024-01-01" / "CONTOURS-IRIS.shp",
        prj=PRJ_UTM_40S,
    )
    (carre,) = con.execute(
        "select ST_AsGeoJSON(ST_Transform(ST_GeomFromText('POLYGON((338200 7690100, "
        "338800 7690100, 338800 7690600, 338200 7690100))'), 'EPSG:2975', 'EPSG:4326', "
        "always_xy := true))"
    ).fetchone()
    (ref / "QP2024_LaReunion_WGS84.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [_feature({"code_qp": "QN97411A", "insee_com": "97411"}, carre)],
            }
        ),
        encoding="utf-8",
    )
    zones = {"commune": {"97411"}, "iris": {"974110101", "974110102"}, "qpv": {"QN97411A"}}
    fonds = charger_fonds(ref, zones)

    assert fonds.srid == 2975 and fonds.remarques == []
    assert {s.projection_source for s in fonds.sources} == {"EPSG:2975", "EPSG:4326"}
    assert len(fonds.contours["iris"]["974110101"].plan) == 2  # both parts of the IRIS
    xmin, ymin, xmax, ymax = fonds.contours["qpv"]["QN97411A"].enveloppe
    assert (xmin, ymin, xmax, ymax) == pytest.approx((338200, 7690100, 338800, 7690600), abs=0.01)
    assert set(fonds.contours["commune"]) == {"97411"} and fonds.derivees == {"commune"}
