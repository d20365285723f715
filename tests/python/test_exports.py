"""The exports, opened as a CIL member or a landlord would: workbooks (openpyxl) and open files
(csv), every figure compared with the mart (each figure once, on its theme sheet, under the EPCI
reference rows; charts with gaps, never false zeros); labels never become formulas; a failing
secrecy test leaves the previous export untouched."""

import csv
import hashlib
import shutil

import duckdb
import pytest
from aides import dbt, peuplement
from openpyxl import load_workbook

FEUILLES_THEMES = [
    "Ressources",
    "Composition",
    "Âge",
    "Emploi",
    "Emménagés récents",
    "Occupation du parc",
]
MAILLES = {  # the « Maille » column of a theme sheet
    "Commune": "commune",
    "Commune, dans ou hors QPV": "commune_qpv",
    "QPV": "qpv",
    "IRIS": "iris",
    "Quartier": "quartier",
    "Résidence": "residence",
}


@pytest.fixture(scope="module")
def export(entrepot_construit):
    base = entrepot_construit[0]
    con = duckdb.connect(str(base), read_only=True)
    mart = {
        (m, z, b, i): (s, n, v, t)
        for m, z, b, i, s, n, v, t in con.execute(
            "select maille, code_zone, bailleur, indicateur, statut, numerateur, valeur, type "
            "from marts.fct_indicateurs"
        ).fetchall()
    }
    indicateurs = con.execute(
        "select indicateur, libelle, type from marts.dim_indicateurs order by ordre"
    ).fetchall()
    bailleurs = [
        b
        for (b,) in con.execute(
            "select bailleur from staging.stg_bailleurs__bailleurs order by 1"
        ).fetchall()
    ]
    return base.parent / "exports", mart, indicateurs, bailleurs


def _classeur(dossier, prefixe):
    (chemin,) = sorted(dossier.glob(f"{prefixe}*.xlsx"))
    return load_workbook(chemin)


# occupancy at 1 January is a public register fact (RPLS), published as is: 0 % and 100 % allowed
OCCUPATION_PUBLIQUE = {"part_loues", "part_vacants", "part_loues_tiers"}


def _verifier_cellule(cellule, figure, type_, indicateur):
    """One cell of a sheet against the mart's (status, numerator, value)."""
    statut, numerateur, valeur = figure
    assert cellule.data_type != "f"
    if statut != "publie":
        assert cellule.value == statut and cellule.data_type == "s"
    elif type_ == "effectif":
        assert cellule.value == numerateur and cellule.number_format == "# ##0"
    elif type_ == "ecart":
        assert cellule.value == pytest.approx(valeur * 100)
    elif type_ in ("part", "taux"):
        assert cellule.value == pytest.approx(valeur)
        assert cellule.number_format == "0.0%"
        if indicateur not in OCCUPATION_PUBLIQUE:
            assert 0 < cellule.value < 1  # no published 0 % or 100 % of households
    else:
        assert cellule.value == pytest.approx(valeur)


def _verifier_feuilles(wb, mart, indicateurs, bailleur):
    """Every cell of every theme sheet equals the mart, and together the theme sheets hold
    every figure of the release for this landlord exactly once; labels, never codes, head the
    columns; the EPCI reference rows come first; every sheet fits the page width."""
    par_libelle = {libelle: (code, type_) for code, libelle, type_ in indicateurs}
    codes = {code for code, _, _ in indicateurs}
    epci = next(k[1] for k in mart if k[0] == "epci")
    planifies = {(m, i) for (m, _, _, i) in mart}
    vus = []
    for feuille in FEUILLES_THEMES:
        ws = wb[feuille]
        entetes = [c.value for c in ws[3]]
        assert entetes[:4] == ["Maille", "Zone", "Commune", "Code"]
        assert len(entetes) <= 13 and not codes & set(entetes)
        colonnes = [par_libelle[e] for e in entetes[4:]]
        assert ws.cell(4, 1).value == "EPCI" and ws.cell(4, 4).value == epci
        assert "plan de publication" in ws.cell(2, 1).value  # what an empty cell means
        assert ws.freeze_panes is not None and ws.auto_filter.ref.startswith("A3:")
        for ligne in ws.iter_rows(min_row=4):
            if ligne[0].value is None or ligne[3].value is None:
                continue  # the note under the table
            code = ligne[3].value
            assert ligne[3].data_type == "s"
            if ligne[0].value == "EPCI":
                maille = "epci" if code == epci else "epci_qpv"
            else:
                maille = MAILLES[ligne[0].value]
            for (indicateur, type_), cellule in zip(colonnes, ligne[4:], strict=False):
                if (maille, code, bailleur, indicateur) not in mart:
                    # not in the publication plan at this maille: an empty cell, nothing else
                    assert cellule.value is None and (maille, indicateur) not in planifies
                    continue
                statut, numerateur, valeur, _ = mart[(maille, code, bailleur, indicateur)]
                _verifier_cellule(cellule, (statut, numerateur, valeur), type_, indicateur)
                vus.append((maille, code, indicateur))
    attendus = [(m, z, i) for (m, z, b, i) in mart if b == bailleur]
    assert sorted(vus) == sorted(attendus)  # each figure once, none missing
    for ws in wb.worksheets:
        # fitted to one page wide (1 is the file format's default, left unwritten)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    return len(vus)


def _verifier_graphiques(wb, mart, indicateurs, bailleur):
    """The charts read a data sheet where a hidden figure is an empty cell and its category
    carries the mark: no false zero, no text in a value column. Returns the marks seen."""
    assert wb["Graphiques"]._charts
    donnees = wb["Données des graphiques"]
    par_libelle = {libelle: (code, type_) for code, libelle, type_ in indicateurs}
    epci = next(k[1] for k in mart if k[0] == "epci")
    zones = {}  # a commune's label -> its row key, read from a theme sheet
    for ligne in wb["Ressources"].iter_rows(min_row=4):
        if ligne[0].value == "Commune":
            zones[ligne[1].value] = ("commune", ligne[3].value)
    entetes = [c.value for c in donnees[1]]
    marques = 0
    for k in range(1, len(entetes), 2):
        code, type_ = par_libelle[entetes[k]]
        for r in range(2, donnees.max_row + 1):
            zone = donnees.cell(r, 1).value
            maille, code_zone = ("epci", epci) if r == 2 else zones[zone]
            statut, numerateur, valeur, _ = mart[(maille, code_zone, bailleur, code)]
            categorie, cellule = donnees.cell(r, k + 1).value, donnees.cell(r, k + 2)
            if statut == "publie":
                assert categorie == zone
                _verifier_cellule(cellule, (statut, numerateur, valeur), type_, code)
            else:
                assert categorie == f"{zone} ({statut})" and cellule.value is None
                marques += 1
    return marques


def test_the_cil_workbook_matches_the_mart_and_reads_well(export):
    dossier, mart, indicateurs, _ = export
    wb = _classeur(dossier, "classeur_cil_")
    assert wb.sheetnames == [
        "Présentation",
        "Chiffres clés",
        *FEUILLES_THEMES,
        "Graphiques",
        "Données des graphiques",
        "Méthodologie",
    ]  # no « Cartes » sheet: this study's referentiels/ has no contours
    couverture = " ".join(
        str(c.value) for ligne in wb["Présentation"].iter_rows() for c in ligne if c.value
    )
    assert "Données d'occupation du parc social au 1er janvier 2022" in couverture
    assert "aucune retrouvée" in couverture and "nd" in couverture
    comparees = _verifier_feuilles(wb, mart, indicateurs, "ensemble")
    assert comparees == sum(1 for k in mart if k[2] == "ensemble")
    marques = {
        c.value
        for ws in (wb[f] for f in FEUILLES_THEMES)
        for ligne in ws.iter_rows(min_row=4)
        for c in ligne
    }
    assert {"s", "nd"} <= marques
    assert _verifier_graphiques(wb, mart, indicateurs, "ensemble") > 0
    # key figures: the EPCI, in QPV and out of QPV, every indicator by its label
    cles = wb["Chiffres clés"]
    assert [c.value for c in cles[4]] == ["Indicateur", "Ensemble de l'EPCI", "En QPV", "Hors QPV*"]
    par_libelle = {libelle: (code, type_) for code, libelle, type_ in indicateurs}
    epci = next(k[1] for k in mart if k[0] == "epci")
    lues = 0
    for ligne in cles.iter_rows(min_row=5):
        if ligne[0].value in par_libelle and ligne[1].value is not None:
            code, type_ = par_libelle[ligne[0].value]
            for cellule, (maille, zone) in zip(
                ligne[1:],
                [("epci", epci), ("epci_qpv", f"{epci}-qpv"), ("epci_qpv", f"{epci}-hors_qpv")],
                strict=True,
            ):
                statut, numerateur, valeur, _ = mart[(maille, zone, "ensemble", code)]
                _verifier_cellule(cellule, (statut, numerateur, valeur), type_, code)
            lues += 1
    assert lues == len(indicateurs)
    methodo = wb["Méthodologie"]
    assert [c.value for c in methodo[4]][:4] == ["Thème", "Indicateur", "Définition", "Compté en"]
    comptes = {methodo.cell(r, 4).value for r in range(5, 5 + len(indicateurs))}
    assert comptes <= {"logements", "ménages", "personnes", "points de %"}
    assert not any("seed" in str(methodo.cell(r, 3).value) for r in range(5, 5 + len(indicateurs)))


def test_the_maps_have_their_sheet_in_the_cil_workbook(demo, entrepot_construit, tmp_path):
    from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
    from peuplement.exports.classeur import ecrire_classeur
    from peuplement.exports.donnees import lire

    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    pub = lire(
        {
            nom: con.sql(f"select * from {schema}.{nom}")
            for schema, nom in (
                ("marts", "fct_indicateurs"),
                ("marts", "dim_zones"),
                ("marts", "dim_indicateurs"),
                ("staging", "stg_etude__parametres"),
                ("staging", "stg_bailleurs__bailleurs"),
                ("intermediate", "int_secret__audit"),
            )
        }
    )
    con.close()
    fonds = charger_fonds(demo[0] / "referentiels", zones_etude(pub))
    cartes = dessiner_cartes(pub, fonds, tmp_path / "cartes")
    assert cartes
    ecrire_classeur(tmp_path / "cil.xlsx", pub, "ensemble", cartes)
    wb = load_workbook(tmp_path / "cil.xlsx")
    assert wb.sheetnames[-2:] == ["Cartes", "Méthodologie"]
    assert len(wb["Cartes"]._images) == len(cartes)
    titres = [c.value for c in wb["Cartes"]["A"] if c.value]
    assert [c.titre for c in cartes] == titres[2:]  # each map under its title
    ecrire_classeur(tmp_path / "bailleur.xlsx", pub, "ARTOIS", cartes)
    assert "Cartes" not in load_workbook(tmp_path / "bailleur.xlsx").sheetnames


def test_each_landlord_gets_its_own_figures(export):
    dossier, mart, indicateurs, bailleurs = export
    for bailleur in bailleurs:
        wb = _classeur(dossier, f"restitution_{bailleur}_")
        comparees = _verifier_feuilles(wb, mart, indicateurs, bailleur)
        assert comparees == sum(1 for k in mart if k[2] == bailleur) > 0


def test_the_open_files_rebuild_the_release(export):
    dossier, mart, _, _ = export
    with open(dossier / "cellules.csv", encoding="utf-8", newline="") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    assert len(lignes) == len(mart)
    for ligne in lignes:
        statut, numerateur, valeur, _ = mart[
            (ligne["maille"], ligne["code_zone"], ligne["bailleur"], ligne["indicateur"])
        ]
        assert ligne["statut"] == statut
        if statut == "publie":
            assert float(ligne["valeur"]) == pytest.approx(valeur)
            if numerateur is not None:
                assert int(ligne["numerateur"]) == numerateur
        else:
            assert ligne["numerateur"] == ligne["denominateur"] == ligne["valeur"] == ""
    with open(dossier / "zones.csv", encoding="utf-8", newline="") as f:
        zones = list(csv.DictReader(f, delimiter=";"))
    assert list(zones[0]) == ["code_zone", "maille", "libelle", "commune", "epci", "qpv"]
    assert {(z["maille"], z["code_zone"]) for z in zones} >= {(k[0], k[1]) for k in mart}
    with open(dossier / "indicateurs.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f, delimiter=";")) == [
            "indicateur",
            "libelle",
            "famille",
            "unite",
            "partition",
        ]


def _empreintes(dossier):
    return {
        str(p.relative_to(dossier)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in dossier.rglob("*")
        if p.is_file()
    }


def test_labels_never_become_formulas(entrepot_construit, tmp_path):
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(entrepot_construit[0], copie)
    con = duckdb.connect(str(copie))
    communes = [
        c
        for (c,) in con.execute(
            "select code_zone from marts.dim_zones where maille = 'commune' order by 1 limit 4"
        ).fetchall()
    ]
    pieges = ['=HYPERLINK("http://exemple.invalid","clic")', "+1+1", "-2+3", "@SUM(1)"]
    for code, piege in zip(communes, pieges, strict=True):
        con.execute(
            "update marts.dim_zones set libelle = ? where maille = 'commune' and code_zone = ?",
            [piege, code],
        )
    con.close()
    sortie = dbt(["run", "--select", "exp_publication"], copie, tmp_path, tmp_path / "exports")
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    ws = _classeur(tmp_path / "exports", "classeur_cil_")["Ressources"]
    libelles = {
        ligne[3].value: ligne[1] for ligne in ws.iter_rows(min_row=4) if ligne[0].value == "Commune"
    }
    for code, piege in zip(communes, pieges, strict=True):
        assert libelles[code].value == piege and libelles[code].data_type == "s"
    with open(tmp_path / "exports" / "zones.csv", encoding="utf-8", newline="") as f:
        csv_libelles = {
            z["code_zone"]: z["libelle"]
            for z in csv.DictReader(f, delimiter=";")
            if z["maille"] == "commune"
        }
    for code, piege in zip(communes, pieges, strict=True):
        assert csv_libelles[code] == "'" + piege


def test_a_failing_secrecy_test_leaves_the_previous_export_untouched(
    entrepot_construit, export, tmp_path
):
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(entrepot_construit[0], copie)
    exports = tmp_path / "exports"
    shutil.copytree(export[0], exports)
    avant = _empreintes(exports)
    sortie = dbt(
        [
            "build",
            "--select",
            "int_secret__parametres+",
            "--vars",
            "{secret_masquage_secondaire: false}",
        ],
        copie,
        tmp_path,
        exports,
    )
    assert sortie.returncode == 1
    assert "SKIP" in sortie.stdout and "exp_publication" in sortie.stdout
    assert _empreintes(exports) == avant


def test_peuplement_export_writes_the_study_exports_and_records_them(demo, tmp_path):
    from peuplement.protection.registre import Registre

    dossier = tmp_path / "etude"
    shutil.copytree(demo[0], dossier)
    sortie = peuplement("exporter", "--etude", str(dossier))
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    assert (
        "classeur de la CIL" in sortie.stdout and "Secret statistique par maille" in sortie.stdout
    )
    entree = next(e for e in reversed(Registre(dossier).lire()) if e["operation"] == "export")
    ecrits = {f["nom"]: f["sha256"] for f in entree["donnees"]["fichiers"]}
    assert ecrits == {n: h for n, h in _empreintes(dossier / "exports").items() if n in ecrits}
    assert any(n.startswith("classeur_cil_") for n in ecrits) and "cellules.csv" in ecrits
