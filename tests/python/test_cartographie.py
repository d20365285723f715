"""Maps of the release, read back as a reviewer would: the demo's contours match the study's
zones, every zone of every map is coloured as the mart's published value says (or hatched as
secret), a hidden cell cannot change a single byte of any map file, and a study without
contour files still exports and says why there is no map."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import zipfile

import duckdb
import pytest
from PIL import Image

from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
from peuplement.cartographie.classes import (
    CARTES_CLES,
    CARTES_RESTITUTION,
    COULEUR_NC,
    COULEUR_ND,
    COULEUR_SECRET,
    MAILLES_RESTITUTION,
    classer,
)
from peuplement.cartographie.fonds import fichiers_contours
from peuplement.cartographie.spatial import connecter
from peuplement.exports.donnees import relations_entrepot
from peuplement.exports.publication import exporter


@pytest.fixture(scope="module")
def publication(entrepot_construit, cartes_demo):
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    mart = {
        (m, z, i): (s, v, t)
        for m, z, i, s, v, t in con.execute(
            "select maille, code_zone, indicateur, case when motif_nd = 'non_disponible' then 'nc' "
            "else statut end, valeur, type from marts.fct_indicateurs where bailleur = 'ensemble'"
        ).fetchall()
    }
    con.close()
    return cartes_demo[0], mart  # the release as lire() reads it from the warehouse


@pytest.fixture(scope="module")
def fonds(cartes_demo):
    return cartes_demo[1]  # the demo's contours, read for the study's zones


@pytest.fixture(scope="module")
def cartes(cartes_demo):
    return cartes_demo[2], cartes_demo[3]  # the maps drawn from them, and their folder


def test_demo_contours_cover_every_zone_of_the_study(demo, publication, fonds):
    pub, _ = publication
    for maille in ("iris", "qpv", "commune"):
        attendues = {c for m, c in pub.zones if m == maille}
        assert set(fonds.contours[maille]) == attendues, maille
    assert {s.maille for s in fonds.sources} == {"iris", "qpv"}
    assert fonds.derivees == {"commune"} and fonds.remarques == [] and fonds.absence is None
    assert all(len(s.sha256) == 64 and s.zones_sans_contour == [] for s in fonds.sources)
    # the files are what GDAL reads: IRIS in Lambert-93, QPV in WGS 84, valid polygons
    con = connecter()
    ref = demo[0] / "referentiels"
    (iris,) = fichiers_contours(ref)["iris"]
    (meta,) = con.execute("select layers from ST_Read_Meta(?)", [str(iris)]).fetchone()
    assert meta[0]["geometry_fields"][0]["crs"]["auth_code"] == "2154"
    for chemin in (iris, *fichiers_contours(ref)["qpv"]):
        n, valides = con.execute(
            "select count(*), count(*) filter (where ST_IsValid(geom)) from ST_Read(?)",
            [str(chemin)],
        ).fetchone()
        assert n == valides > 0
    # the IRIS tile the communes: no gap, no overlap between neighbours
    aires = con.execute(
        "select sum(ST_Area(geom)), ST_Area(ST_Union_Agg(geom)) from ST_Read(?)", [str(iris)]
    ).fetchone()
    assert aires[0] == pytest.approx(aires[1], rel=1e-6)


def _remplissages(svg: str) -> dict[str, str]:
    """zone code -> fill colour, from the `<g id="zone-…">` groups matplotlib writes; a
    hatched zone (filled with a pattern) as `hachure <colour under the hatching>`."""
    motifs = dict(
        re.findall(r'<pattern id="([^"]+)".*?<rect[^>]*fill="(#[0-9a-fA-F]{6})"', svg, re.S)
    )
    remplissages = {}
    for code, couleur, motif in re.findall(
        r'<g id="zone-([^"]+)">\s*<path[^>]*?style="fill: (?:(#[0-9a-fA-F]{6})|url\(#([^)]+)\))',
        svg,
    ):
        remplissages[code] = couleur.lower() if couleur else f"hachure {motifs[motif].lower()}"
    return remplissages


def test_every_zone_is_coloured_as_the_mart_says(publication, fonds, cartes):
    pub, mart = publication
    dessinees, _ = cartes
    assert dessinees and {c.maille for c in dessinees} == {"iris", "qpv", "commune"}
    catalogue = {i.code: i for i in pub.indicateurs}
    verifiees = 0
    for carte in dessinees:
        assert carte.indicateur in CARTES_CLES and set(carte.chemins) == {"png", "svg"}
        with Image.open(carte.chemins["png"]) as image:
            assert image.size == (1005, 780)
        svg = carte.chemins["svg"].read_text(encoding="utf-8")
        assert "Données d'occupation du parc social au 1er janvier 2022" in svg
        assert "contours_iris_2024.gpkg" in svg and catalogue[carte.indicateur].libelle in svg
        codes = set(fonds.contours[carte.maille])
        cellules = {z: mart[(carte.maille, z, carte.indicateur)] for z in codes}
        publiees = [v for s, v, _ in cellules.values() if s == "publie"]
        classes = classer(catalogue[carte.indicateur], publiees)
        remplissages = _remplissages(svg)
        assert set(remplissages) == codes
        for zone, (statut, valeur, _) in cellules.items():
            attendu = {
                "s": f"hachure {COULEUR_SECRET}",
                "nd": f"hachure {COULEUR_ND}",
                "nc": f"hachure {COULEUR_NC}",
            }.get(statut)
            attendu = attendu or classes.couleurs[classes.classe(valeur)].lower()
            assert remplissages[zone] == attendu, (carte.chemin.name, zone)
            verifiees += 1
        # the legend counts the zones of each class and the secret ones
        secretes = sum(1 for s, _, _ in cellules.values() if s == "s")
        if secretes:
            assert f"s : secret statistique ({secretes})" in svg
    assert verifiees == sum(len(fonds.contours[c.maille]) for c in dessinees) > 100


def test_a_hidden_cell_changes_no_byte_of_any_map(publication, fonds, cartes, tmp_path):
    """Give every hidden cell a number: if a map read it, some file would change."""
    pub, _ = publication
    piegee = copy.copy(pub)
    piegee.cellules = {
        k: (c if c[0] == "publie" else (c[0], 77_777, 88_888, 0.987654321))
        for k, c in pub.cellules.items()
    }
    dessinees, dossier = cartes
    autres = dessiner_cartes(piegee, fonds, tmp_path)
    assert [c.chemin.name for c in autres] == [c.chemin.name for c in dessinees]
    for carte in dessinees:
        for chemin in carte.chemins.values():
            assert (tmp_path / chemin.name).read_bytes() == chemin.read_bytes(), chemin.name
    for chemin in tmp_path.glob("*.svg"):
        texte = chemin.read_text(encoding="utf-8")
        assert "98,8 %" not in texte and "99 %" not in texte and "77777" not in texte


def test_a_landlord_s_maps_show_its_own_figures_and_no_hidden_value(
    entrepot_construit, publication, fonds, tmp_path
):
    """A restitution's maps: each zone coloured by the landlord's published value in
    fct_restitutions (or hatched), and a number given to its hidden cells changes no byte."""
    pub, _ = publication
    restitution = pub.restitution()
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    ((bailleur,),) = con.execute(
        "select bailleur from marts.fct_restitutions where statut = 'publie' "
        "and maille = 'commune' group by bailleur order by count(*) desc, bailleur limit 1"
    ).fetchall()
    mart = {
        (m, z, i): (s, v)
        for m, z, i, s, v in con.execute(
            "select maille, code_zone, indicateur, case when motif_nd = 'non_disponible' then "
            "'nc' else statut end, valeur from marts.fct_restitutions where bailleur = ?",
            [bailleur],
        ).fetchall()
    }
    con.close()
    dessinees = dessiner_cartes(
        restitution,
        fonds,
        tmp_path / "a",
        CARTES_RESTITUTION,
        MAILLES_RESTITUTION,
        formats=("svg",),
        bailleur=bailleur,
    )
    assert dessinees and {c.maille for c in dessinees} <= set(MAILLES_RESTITUTION)
    catalogue = {i.code: i for i in pub.indicateurs}
    for carte in dessinees:
        svg = carte.chemins["svg"].read_text(encoding="utf-8")
        assert f"Restitution à {pub.bailleurs[bailleur]}" in svg
        assert "Données d'occupation du parc social au 1er janvier 2022" in svg
        lues = {
            z: mart.get((carte.maille, z, carte.indicateur)) for z in fonds.contours[carte.maille]
        }
        classes = classer(
            catalogue[carte.indicateur], [c[1] for c in lues.values() if c and c[0] == "publie"]
        )
        remplissages = _remplissages(svg)
        for zone, cellule in lues.items():
            if cellule is None:  # none of its dwellings there
                continue
            statut, valeur = cellule
            attendu = {
                "s": f"hachure {COULEUR_SECRET}",
                "nd": f"hachure {COULEUR_ND}",
                "nc": f"hachure {COULEUR_NC}",
            }.get(statut) or classes.couleurs[classes.classe(valeur)].lower()
            assert remplissages[zone] == attendu, (carte.chemin.name, zone)
    piegee = copy.copy(restitution)
    piegee.cellules = {
        k: (c if c[0] == "publie" else (c[0], 77_777, 88_888, 0.987654321))
        for k, c in restitution.cellules.items()
    }
    autres = dessiner_cartes(
        piegee,
        fonds,
        tmp_path / "b",
        CARTES_RESTITUTION,
        MAILLES_RESTITUTION,
        formats=("svg",),
        bailleur=bailleur,
    )
    assert [c.chemin.name for c in autres] == [c.chemin.name for c in dessinees]
    for carte, autre in zip(dessinees, autres, strict=True):
        for format_, chemin in carte.chemins.items():
            assert autre.chemins[format_].read_bytes() == chemin.read_bytes(), chemin.name


def test_the_export_writes_the_maps_and_records_the_contours(entrepot_construit, demo, tmp_path):
    from peuplement.protection.registre import Registre

    etude = tmp_path / "etude"
    shutil.copytree(demo[0] / "referentiels", etude / "referentiels")
    (etude / "registre").mkdir()
    ancienne = etude / "exports" / "cartes" / "carte_iris_indicateur_disparu.png"
    ancienne.parent.mkdir(parents=True)
    ancienne.write_bytes(b"ancienne carte")
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    table = exporter(relations_entrepot(con), etude / "exports", "Testeur")
    con.close()
    fichiers = set(table.column("fichier").to_pylist())
    assert "cartes/LISEZMOI.txt" in fichiers
    assert {f for f in fichiers if f.endswith(".png")} == {
        f.replace(".svg", ".png") for f in fichiers if f.endswith(".svg")
    }
    assert not ancienne.exists()  # a map this release did not draw does not stay behind
    assert not list((etude / "exports").glob(".cartes-*"))  # the drafts are gone
    entrees = Registre(etude).lire()
    contours = next(e for e in entrees if e["operation"] == "contours")
    lus = {f["nom"]: f["sha256"] for f in contours["donnees"]["fichiers"]}
    from peuplement.cartographie.fonds import _sha256

    assert lus == {
        p.name: _sha256(p) for p in (etude / "referentiels").iterdir() if p.suffix != ".csv"
    }
    export = next(e for e in entrees if e["operation"] == "export")
    assert {f["nom"] for f in export["donnees"]["fichiers"]} == fichiers
    # the CIL workbook shows the release's maps, each landlord's restitution its own maps
    cil = {
        (etude / "exports" / f).read_bytes()
        for f in fichiers
        if f.startswith("cartes/") and f.endswith(".png")
    }
    assert _images_des_cartes(next((etude / "exports").glob("classeur_cil_*.xlsx"))) == cil
    propres = {
        chemin.name: _images_des_cartes(chemin)
        for chemin in (etude / "exports").glob("restitution_*.xlsx")
    }
    assert any(propres.values()) and all(not (images & cil) for images in propres.values())


def _images_des_cartes(classeur) -> set[bytes]:
    """The PNG images of a workbook's « Cartes » sheet (none if it has no such sheet)."""
    with zipfile.ZipFile(classeur) as z:
        if 'name="Cartes"' not in z.read("xl/workbook.xml").decode("utf-8"):
            return set()
        return {z.read(n) for n in z.namelist() if n.startswith("xl/media/")}


def test_a_study_without_contours_exports_and_says_why(entrepot_construit, tmp_path):
    etude = tmp_path / "etude"
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    table = exporter(relations_entrepot(con), etude / "exports", None)
    con.close()
    fichiers = table.column("fichier").to_pylist()
    assert any(f.startswith("classeur_cil_") for f in fichiers)
    assert not any(f.endswith((".png", ".svg")) for f in fichiers)
    lisezmoi = (etude / "exports" / "cartes" / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert "aucune carte : aucun fichier de contours" in lisezmoi


def test_contour_files_are_checked_against_the_study(publication, fonds, tmp_path):
    """A shapefile of communes (codes read as numbers), a QPV file of another territory, a
    file without projection: each is said, none is guessed."""
    pub, _ = publication
    con = connecter()
    con.execute("create table communes (insee_com integer, nom varchar, geom geometry)")
    for code, contour in fonds.contours["commune"].items():
        con.execute(
            "insert into communes values (?, 'x', ST_GeomFromWKB(?))", [int(code), contour.wkb]
        )
    con.execute(
        f"copy communes to '{tmp_path / 'communes_2023.shp'}' "
        "(format gdal, driver 'ESRI Shapefile', srs 'EPSG:2154')"
    )
    con.execute(
        "copy (select 'QN99999Z' as code_qp, ST_Buffer(ST_Point(1, 1), 0.01) as geom) "
        f"to '{tmp_path / 'qp2024.geojson'}' (format gdal, driver 'GeoJSON')"
    )
    con.execute(
        "copy (select lpad(insee_com::varchar, 5, '0') || '0000' as code_iris, geom "
        f"from communes) to '{tmp_path / 'iris_sans_projection.shp'}' "
        "(format gdal, driver 'ESRI Shapefile')"
    )
    assert not (tmp_path / "iris_sans_projection.prj").exists()
    lu = charger_fonds(tmp_path, zones_etude(pub))
    assert set(lu.contours) == {"commune"} and set(lu.contours["commune"]) == set(
        fonds.contours["commune"]
    )
    (commune,) = [s for s in lu.sources if s.maille == "commune"]
    assert commune.millesime == 2023 and commune.projection_source == "EPSG:2154"
    remarques = " | ".join(lu.remarques)
    nb_qpv = sum(1 for m, _ in pub.zones if m == "qpv")
    assert f"qp2024.geojson : aucun des {nb_qpv} codes qpv de l'étude ne s'y trouve" in remarques
    assert "iris_sans_projection.shp : système de coordonnées inconnu" in remarques
    vide = charger_fonds(tmp_path / "absent", zones_etude(pub))
    assert vide.absence and "aucun fichier de contours" in vide.absence


def _donnees_html(chemin):
    page = chemin.read_text(encoding="utf-8")
    (brut,) = re.findall(r'<script id="donnees" type="application/json">(.*?)</script>', page, re.S)
    return page, json.loads(brut)


@pytest.fixture(scope="module")
def livrables(publication, fonds, tmp_path_factory):
    from peuplement.cartographie.interactive import ecrire_carte_interactive
    from peuplement.cartographie.paquet import ecrire_paquet

    dossier = tmp_path_factory.mktemp("livrables")
    pub, _ = publication
    ecrire_carte_interactive(dossier / "carte.html", pub, fonds)
    ecrire_paquet(dossier / "cartographie.gpkg", pub, fonds)
    return dossier


def test_the_html_map_holds_the_published_values_and_nothing_else(publication, livrables):
    pub, mart = publication
    page, donnees = _donnees_html(livrables / "carte.html")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(?:link|img|iframe)\b|<script[^>]+src=", page)  # nothing to fetch
    assert donnees["mention"] == "Données d'occupation du parc social au 1er janvier 2022"
    assert set(donnees["mailles"]) == {"iris", "qpv", "commune"}
    comparees = 0
    for maille, contenu in donnees["mailles"].items():
        codes = {f["properties"]["code"] for f in contenu["zones"]["features"]}
        assert codes == {c for m, c in pub.zones if m == maille}
        for indicateur, par_zone in contenu["indicateurs"].items():
            for code, (valeur, texte) in par_zone["valeurs"].items():
                if (maille, code, indicateur) not in mart:  # left out by the publication plan
                    assert valeur == "hors_plan" and texte == ""
                    assert not any(k[0] == maille and k[2] == indicateur for k in mart)
                    comparees += 1
                    continue
                statut, attendue, _ = mart[(maille, code, indicateur)]
                if statut == "publie":
                    assert valeur == attendue and texte, (maille, code, indicateur)
                else:  # a hidden cell is its mark, with no number beside it
                    assert valeur == statut and texte == statut
                comparees += 1
    assert comparees == sum(
        len(m["zones"]["features"]) * len(m["indicateurs"]) for m in donnees["mailles"].values()
    )


def test_the_geopackage_holds_the_published_values_one_layer_per_maille(publication, livrables):
    pub, mart = publication
    con = connecter()
    chemin = str(livrables / "cartographie.gpkg")
    (couches,) = con.execute("select layers from ST_Read_Meta(?)", [chemin]).fetchone()
    spatiales = {c["name"] for c in couches if c["geometry_fields"]}
    assert spatiales == {"epci", "commune", "qpv", "iris"}
    codes_indicateurs = [i.code for i in pub.indicateurs]
    lues = 0
    for maille in spatiales:
        table = (
            con.execute(
                "select * exclude (geom), ST_IsValid(geom) as valide from ST_Read(?, layer := ?)",
                [chemin, maille],
            )
            .to_arrow_table()
            .to_pylist()
        )
        assert {r["code_zone"] for r in table} == {c for m, c in pub.zones if m == maille}
        for ligne in table:
            assert ligne["valide"]
            for code in codes_indicateurs:
                if (maille, ligne["code_zone"], code) not in mart:  # left out by the plan
                    assert ligne[f"{code}_statut"] is None and ligne[code] is None
                    assert not any(k[0] == maille and k[2] == code for k in mart)
                    continue
                statut, attendue, type_ = mart[(maille, ligne["code_zone"], code)]
                assert ligne[f"{code}_statut"] == statut
                if statut == "publie":
                    assert ligne[code] == pytest.approx(
                        attendue, abs=0 if type_ == "effectif" else 1e-12
                    )
                else:
                    assert ligne[code] is None
                lues += 1
    assert lues > 1000
    dictionnaire = con.execute("select colonne from ST_Read(?, layer := 'indicateurs')", [chemin])
    assert [c for (c,) in dictionnaire.fetchall()] == codes_indicateurs


def test_hidden_cells_change_no_byte_of_the_html_map_or_the_geopackage(
    publication, fonds, livrables, tmp_path
):
    from peuplement.cartographie.interactive import ecrire_carte_interactive
    from peuplement.cartographie.paquet import ecrire_paquet

    pub, _ = publication
    piegee = copy.copy(pub)
    piegee.cellules = {
        k: (c if c[0] == "publie" else (c[0], 77_777, 88_888, 0.987654321))
        for k, c in pub.cellules.items()
    }
    ecrire_carte_interactive(tmp_path / "carte.html", piegee, fonds)
    ecrire_paquet(tmp_path / "cartographie.gpkg", piegee, fonds)
    for nom in ("carte.html", "cartographie.gpkg"):
        assert (tmp_path / nom).read_bytes() == (livrables / nom).read_bytes(), nom


def _chromium():
    chemin = shutil.which("chromium") or shutil.which("chromium-browser")
    if chemin is None:
        if os.environ.get("CI"):
            pytest.fail("chromium absent : .ci/run doit l'installer")
        pytest.skip("chromium absent (apt-get install chromium)")
    return chemin


def _navigateur(*options: str) -> subprocess.CompletedProcess:
    """Headless Chromium with every network path closed: a dead proxy, no name resolution."""
    return subprocess.run(
        [
            _chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1300,900",
            "--virtual-time-budget=4000",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_html_map_renders_offline_in_headless_chromium(publication, livrables, tmp_path):
    pub, _ = publication
    _, donnees = _donnees_html(livrables / "carte.html")
    url = (livrables / "carte.html").as_uri()
    for maille in ("iris", "qpv"):
        sortie = _navigateur("--dump-dom", f"{url}#maille={maille}&indicateur=part_apl")
        assert sortie.returncode == 0, sortie.stderr[-2000:]
        corps = re.search(r"<body[^>]*>", sortie.stdout).group(0)
        zones = sum(1 for m, _ in pub.zones if m == maille)
        assert 'data-pret="oui"' in corps and f'data-zones="{zones}"' in corps, corps
        # one drawn path per zone, plus the communes' outlines
        assert sortie.stdout.count('class="leaflet-interactive"') >= zones
        assert "s : secret statistique" in sortie.stdout or "aucune valeur" not in sortie.stdout
    capture = tmp_path / "carte.png"
    sortie = _navigateur(f"--screenshot={capture}", f"{url}#maille=iris&indicateur=part_apl")
    assert sortie.returncode == 0 and capture.exists(), sortie.stderr[-2000:]
    with Image.open(capture) as image:
        pixels = image.convert("RGB").getcolors(maxcolors=1 << 20)
    couleurs = {"#{:02x}{:02x}{:02x}".format(*rgb): n for n, rgb in pixels}
    # every class of the legend is painted on screen (well beyond its legend swatch)
    legende = donnees["mailles"]["iris"]["indicateurs"]["part_apl"]["legende"]
    assert legende and all(couleurs.get(c.lower(), 0) > 1000 for c, _, n in legende if n), [
        (c, couleurs.get(c.lower(), 0)) for c, _, n in legende
    ]


def test_commune_names_are_moved_or_left_out_rather_than_written_over_each_other():
    from types import SimpleNamespace

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    from peuplement.cartographie.statique import TAILLE_NOMS, _lisibles

    # six communes whose label points crowd together; the first two are large (room above
    # and below), the others small (room for their own line only)
    communes, noms = {}, {}
    for k in range(6):
        haut = 40.0 if k < 2 else 2.0
        communes[f"c{k}"] = SimpleNamespace(
            etiquette=(100.0 + k, 100.0), enveloppe=(80.0, 100.0 - haut, 120.0, 100.0 + haut)
        )
        noms[f"c{k}"] = f"Commune {k}"
    places = _lisibles(communes, noms, echelle=1.0)
    assert {"c0", "c1"} <= set(places) and len(places) < len(communes)
    assert places["c0"] != places["c1"]  # the second large one moved to another line
    police = FontProperties(family="DejaVu Sans", size=TAILLE_NOMS)
    boites = []
    for code, (x, y) in places.items():
        largeur = text_to_path.get_text_width_height_descent(noms[code], police, False)[0]
        boites.append((x - largeur / 2, y - TAILLE_NOMS / 2, x + largeur / 2, y + TAILLE_NOMS / 2))
    for i, a in enumerate(boites):
        for b in boites[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
