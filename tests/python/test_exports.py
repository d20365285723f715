"""The exports, opened as a CIL member or a landlord would: workbooks (openpyxl) and open files
(csv), every figure compared with the mart (each figure once, on its theme sheet, under the EPCI
reference rows; charts with gaps, never false zeros); labels never become formulas; a failing
secrecy test leaves the previous export untouched."""

import csv
import json
import shutil

import duckdb
import pytest
import yaml
from aides import RACINE, dbt, empreintes
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


def _mart(con, modele):
    """(maille, zone, landlord, indicator) -> (mark, numerator, value, type); the mark a
    reader sees: the status, or `nc` for a `nd` of a variable its landlords did not supply."""
    return {
        (m, z, b, i): (s, n, v, t)
        for m, z, b, i, s, n, v, t in con.execute(
            "select maille, code_zone, bailleur, indicateur, case when statut = 'nd' and "
            "motif_nd = 'non_disponible' then 'nc' else statut end, numerateur, valeur, type "
            f"from marts.{modele}"
        ).fetchall()
    }


@pytest.fixture(scope="module")
def export(entrepot_construit):
    base = entrepot_construit[0]
    con = duckdb.connect(str(base), read_only=True)
    mart = _mart(con, "fct_indicateurs")
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
    every figure of the release for this landlord exactly once, but for the résidences none of
    whose figures of the theme is published (left out, and counted in a note); labels, never
    codes, head the columns; the EPCI reference rows come first; every sheet fits the page
    width."""
    par_libelle = {libelle: (code, type_) for code, libelle, type_ in indicateurs}
    codes = {code for code, _, _ in indicateurs}
    epci = next(k[1] for k in mart if k[0] == "epci")
    planifies = {(m, i) for (m, _, _, i) in mart}
    vus, omis = [], []
    for feuille in FEUILLES_THEMES:
        ws = wb[feuille]
        entetes = [c.value for c in ws[3]]
        assert entetes[:4] == ["Maille", "Zone", "Commune", "Code"]
        assert len(entetes) <= 13 and not codes & set(entetes)
        colonnes = [par_libelle[e] for e in entetes[4:]]
        assert ws.cell(4, 1).value == "EPCI" and ws.cell(4, 4).value == epci
        assert "plan de publication" in ws.cell(2, 1).value  # what an empty cell means
        assert ws.freeze_panes is not None and ws.auto_filter.ref.startswith("A3:")
        listees = set()
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
            listees.add((maille, code))
        du_theme = {i for i, _ in colonnes}
        omises = {
            z
            for (m, z, b, i) in mart
            if m == "residence"
            and b == bailleur
            and i in du_theme
            and ("residence", z) not in listees
        }
        for zone in omises:  # a résidence left out has no published figure of the theme
            figures = [mart.get(("residence", zone, bailleur, i)) for i in du_theme]
            assert all(f[0] != "publie" for f in figures if f)
            omis.extend(
                ("residence", zone, i) for i in du_theme if ("residence", zone, bailleur, i) in mart
            )
        note = " ".join(str(c.value) for c in ws["A"] if c.value)
        assert (f"{len(omises)} résidence(s) dont aucun chiffre" in note) == bool(omises)
    attendus = [(m, z, i) for (m, z, b, i) in mart if b == bailleur]
    assert sorted(vus + omis) == sorted(attendus)  # each figure once, none missing
    for ws in wb.worksheets:
        # fitted to one page wide (1 is the file format's default, left unwritten)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    return len(vus) + len(omis)


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
    assert "s" in marques  # each mark is the mart's, cell by cell (_verifier_feuilles)
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


def test_the_maps_have_their_sheet_in_the_cil_workbook(cartes_demo, tmp_path):
    from peuplement.exports.classeur import ecrire_classeur

    pub, _, cartes, _ = cartes_demo  # the built demo's release and its maps (conftest)
    assert cartes
    ecrire_classeur(tmp_path / "cil.xlsx", pub, "ensemble", cartes)
    wb = load_workbook(tmp_path / "cil.xlsx")
    assert wb.sheetnames[-2:] == ["Cartes", "Méthodologie"]
    assert len(wb["Cartes"]._images) == len(cartes)
    titres = [c.value for c in wb["Cartes"]["A"] if c.value]
    assert [c.titre for c in cartes] == titres[2:]  # each map under its title
    ecrire_classeur(tmp_path / "bailleur.xlsx", pub, "ARTOIS", cartes)
    assert "Cartes" not in load_workbook(tmp_path / "bailleur.xlsx").sheetnames


def test_each_landlord_gets_its_own_figures_at_every_maille(entrepot_construit, export):
    """A restitution shows fct_restitutions (its landlord's rows at every maille, primary
    rules only), never the CIL release's protected rows; its cover says it is for that
    landlord alone."""
    dossier, release, indicateurs, bailleurs = export
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    mart = _mart(con, "fct_restitutions")
    con.close()
    assert {k[0] for k in mart} > {k[0] for k in release if k[2] != "ensemble"}  # finer mailles
    for bailleur in bailleurs:
        wb = _classeur(dossier, f"restitution_{bailleur}_")
        comparees = _verifier_feuilles(wb, mart, indicateurs, bailleur)
        assert comparees == sum(1 for k in mart if k[2] == bailleur) > 0
        couverture = " ".join(
            str(c.value) for ligne in wb["Présentation"].iter_rows() for c in ligne if c.value
        )
        assert "Pas de masquage secondaire" in couverture and "à ne pas transmettre" in couverture
        assert "masquage secondaire sur toute la publication" not in couverture


def test_the_open_files_rebuild_the_release(entrepot_construit, export):
    dossier, mart, _, _ = export
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    statuts = {
        (m, z, b, i): (s, motif or "")
        for m, z, b, i, s, motif in con.execute(
            "select maille, code_zone, bailleur, indicateur, statut, motif_nd "
            "from marts.fct_indicateurs"
        ).fetchall()
    }
    con.close()
    with open(dossier / "cellules.csv", encoding="utf-8", newline="") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    assert len(lignes) == len(mart)
    assert {ligne["motif_nd"] for ligne in lignes} == {m for _, m in statuts.values()}
    for ligne in lignes:
        cle = (ligne["maille"], ligne["code_zone"], ligne["bailleur"], ligne["indicateur"])
        statut, numerateur, valeur, _ = mart[cle]
        assert (ligne["statut"], ligne["motif_nd"]) == statuts[cle]  # as in the mart
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


def test_a_failing_secrecy_test_leaves_the_previous_export_untouched(audit_en_echec):
    """The exports of a passing build, then a build whose secrecy audit fails (conftest):
    dbt skips the export model and not a byte of the exports changes."""
    dossier, sortie, avant = audit_en_echec
    assert sortie.returncode == 1
    resultats = json.loads(
        (dossier / "entrepot" / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8")
    )["results"]
    statuts = {r["unique_id"].split(".")[-1]: r["status"] for r in resultats}
    assert statuts["exp_publication"] == "skipped", statuts
    assert empreintes(dossier / "exports") == avant


def test_peuplement_export_writes_the_study_exports_and_records_them(etude_exportee):
    from peuplement.protection.registre import Registre

    dossier, sortie = etude_exportee  # a demo study, then `peuplement exporter` (conftest)
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    assert (
        "classeur de la CIL" in sortie.stdout and "Secret statistique par maille" in sortie.stdout
    )
    entree = next(e for e in reversed(Registre(dossier).lire()) if e["operation"] == "export")
    ecrits = {f["nom"]: f["sha256"] for f in entree["donnees"]["fichiers"]}
    assert ecrits == {n: h for n, h in empreintes(dossier / "exports").items() if n in ecrits}
    assert any(n.startswith("classeur_cil_") for n in ecrits) and "cellules.csv" in ecrits


def _vars_dbt():
    return yaml.safe_load((RACINE / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def _restitution_attendue(con):
    """Each landlord row of every maille, its status recomputed here from the true values with
    the convention's primary rules only: (maille, zone, landlord, indicator) -> (status,
    motif_nd). Independent of the SQL: the catalogue's expressions name the counting
    variables; a variable is public (dwellings, occupancy), not supplied by its landlord
    (int_secret__disponibilites), a survey variable of a zone whose response rate is too low,
    or sensitive (under the threshold, in a zone of too few dwellings, or a part whose
    complement to one of its populations is under the threshold)."""
    v = _vars_dbt()
    seuil, taux = v["secret_seuil"], v["secret_taux_reponse_minimal"]
    publiques = set(v["secret_variables_publiques"])
    if v["secret_occupation_publique"]:
        publiques |= set(v["secret_variables_occupation"])
    catalogue = {}
    for i, famille, type_, num, den, a, b in con.execute(
        "select indicateur, famille, type, expression_numerateur, expression_denominateur, "
        "indicateur_a, indicateur_b from marts.dim_indicateurs"
    ).fetchall():
        num, den = (e.replace(" ", "") if e else None for e in (num, den))
        catalogue[i] = (famille, type_, num, den, a, b)
    variables = {x for (_, _, n, d, _, _) in catalogue.values() for x in (n, d) if x}
    _, _, repondants, occupes, _, _ = catalogue["taux_reponse"]  # the zone's response rate
    logements = catalogue["nb_logements"][2]
    publiques |= {x for x in variables if "+" in x and set(x.split("+")) <= publiques}
    enquete = {
        x for (f, _, n, d, _, _) in catalogue.values() if f != "couverture" for x in (n, d) if x
    }
    populations = {}
    for _, type_, n, d, _, _ in catalogue.values():
        if type_ in ("part", "taux") and d:
            populations.setdefault(n, set()).add(d)
    valeurs = {}
    for m, z, b, i, n, d in con.execute(
        "select maille, code_zone, bailleur, indicateur, numerateur, denominateur "
        "from intermediate.int_indicateurs__long where bailleur <> 'ensemble'"
    ).fetchall():
        _, _, vn, vd, _, _ = catalogue[i]
        ligne = valeurs.setdefault((m, z, b), {})
        if vn:
            ligne[vn] = n
        if vd:
            ligne[vd] = d
    non_fournies = set(
        con.execute(
            "select bailleur, code_variable from intermediate.int_secret__disponibilites "
            "where not disponible"
        ).fetchall()
    )

    def cellule(zone, x):
        m, z, b = zone
        vals = valeurs[zone]
        if x in publiques:
            return ("publie", None)
        if (b, x) in non_fournies:
            return ("nd", "non_disponible")
        if x in enquete and vals[repondants] < taux * vals[occupes]:
            return ("nd", "reponse_insuffisante")
        if (
            vals[logements] < seuil
            or vals[x] < seuil
            or any(vals[p] - vals[x] < seuil for p in populations.get(x, ()))
        ):
            return ("s", None)
        return ("publie", None)

    def combiner(a, b):
        if "nd" in (a[0], b[0]):
            motifs = {a[1], b[1]}
            return ("nd", "non_disponible" if "non_disponible" in motifs else a[1] or b[1])
        return ("s", None) if "s" in (a[0], b[0]) else ("publie", None)

    attendus = {}
    for zone in valeurs:
        for i, (_, type_, n, d, _, _) in catalogue.items():
            if type_ != "ecart":
                attendus[(*zone, i)] = combiner(
                    cellule(zone, n), cellule(zone, d) if d else ("publie", None)
                )
        for i, (_, type_, _, _, a, b) in catalogue.items():
            if type_ == "ecart":
                attendus[(*zone, i)] = combiner(attendus[(*zone, a)], attendus[(*zone, b)])
    return attendus


def test_a_restitution_figure_is_secret_exactly_when_a_primary_rule_hits_it(entrepot_construit):
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    attendus = _restitution_attendue(con)
    lues = {
        (m, z, b, i): (s, motif)
        for m, z, b, i, s, motif in con.execute(
            "select maille, code_zone, bailleur, indicateur, statut, motif_nd "
            "from marts.fct_restitutions"
        ).fetchall()
    }
    release = dict(
        ((m, z, b, i), s)
        for m, z, b, i, s in con.execute(
            "select maille, code_zone, bailleur, indicateur, statut from marts.fct_indicateurs "
            "where bailleur <> 'ensemble'"
        ).fetchall()
    )
    con.close()
    assert lues == attendus  # every landlord row of every maille, with its status and motif
    statuts = [s for s, _ in lues.values()]
    assert statuts.count("s") and statuts.count("publie")  # the rules bite, and leave figures
    # what the CIL release publishes of a landlord, its restitution publishes too (and more)
    publies_cil = {k for k, s in release.items() if s == "publie"}
    publies_restitution = {k for k, (s, _) in lues.items() if s == "publie"}
    assert publies_cil < publies_restitution


def test_the_restitutions_never_feed_the_cil_release(entrepot_construit):
    """fct_restitutions sits beside the CIL release, never upstream of its secrecy: no model
    of the release (int_secret__*, fct_indicateurs, fct_secret_synthese) depends on it."""
    manifeste = json.loads(
        (entrepot_construit[0].parent / "target" / "manifest.json").read_text(encoding="utf-8")
    )
    enfants = manifeste["child_map"]
    vus, a_voir = set(), ["model.peuplement.fct_restitutions"]
    while a_voir:
        noeud = a_voir.pop()
        for enfant in enfants.get(noeud, []):
            if enfant not in vus:
                vus.add(enfant)
                a_voir.append(enfant)
    modeles = {n.split(".")[-1] for n in vus if n.startswith("model.")}
    assert modeles == {"exp_publication"}, modeles
    parents = manifeste["parent_map"]["model.peuplement.fct_restitutions"]
    assert "model.peuplement.int_indicateurs__zones" in parents


def _non_primaires_attendus(con):
    """(maille, `ensemble` or `bailleurs`) -> (non-primary indicator rows, published among
    them), recounted here from the cells' statuses: a row is non-primary when none of its cells
    (numerator, denominator, both parts of a gap) is primary or `nd` and not all are public."""
    statuts = {
        (m, z, b, v): s
        for m, z, b, v, s in con.execute(
            "select maille, code_zone, bailleur, code_variable, statut "
            "from intermediate.int_secret__statuts"
        ).fetchall()
    }
    catalogue = {
        i: (n and n.replace(" ", ""), d and d.replace(" ", ""), a, b)
        for i, n, d, a, b in con.execute(
            "select indicateur, expression_numerateur, expression_denominateur, indicateur_a, "
            "indicateur_b from marts.dim_indicateurs"
        ).fetchall()
    }

    def cellules(m, z, b, i):
        n, d, a, bb = catalogue[i]
        if n is None:
            return cellules(m, z, b, a) + cellules(m, z, b, bb)
        return [statuts[(m, z, b, v)] for v in (n, d) if v]

    comptes = {}
    for m, z, b, i, s in con.execute(
        "select maille, code_zone, bailleur, indicateur, statut from marts.fct_indicateurs"
    ).fetchall():
        c = cellules(m, z, b, i)
        if any(x in ("primaire", "masque_nd") for x in c) or all(x == "force" for x in c):
            continue
        n, p = comptes.get((m, "ensemble" if b == "ensemble" else "bailleurs"), (0, 0))
        comptes[(m, "ensemble" if b == "ensemble" else "bailleurs")] = (n + 1, p + (s == "publie"))
    return comptes


def test_the_cil_cover_gives_the_share_of_non_primary_figures_published(entrepot_construit, export):
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    attendus = _non_primaires_attendus(con)
    synthese = {
        m: (ne, pe, nb, pb)
        for m, ne, pe, nb, pb in con.execute(
            "select maille, nb_lignes_non_primaires_ensemble, "
            "nb_lignes_non_primaires_publiees_ensemble, nb_lignes_non_primaires_bailleurs, "
            "nb_lignes_non_primaires_publiees_bailleurs from marts.fct_secret_synthese"
        ).fetchall()
    }
    con.close()
    for m, (ne, pe, nb, pb) in synthese.items():
        assert (ne, pe) == attendus.get((m, "ensemble"), (0, 0)), m
        assert (nb, pb) == attendus.get((m, "bailleurs"), (0, 0)), m
    assert any(pe < ne for ne, pe, _, _ in synthese.values())  # secondaries exist here
    couverture = _classeur(export[0], "classeur_cil_")["Présentation"]
    lignes = [[c.value for c in ligne] for ligne in couverture.iter_rows()]
    k = next(k for k, ligne in enumerate(lignes) if ligne[0] == "Part des chiffres publiés")
    assert lignes[k + 1][2:4] == [
        "Chiffres non primaires publiés : ensemble des bailleurs",
        "Chiffres non primaires publiés : lignes de chaque bailleur",
    ]
    noms = {"EPCI": "epci", "EPCI dans et hors QPV": "epci_qpv", **MAILLES}
    lues = 0
    for ligne in lignes[k + 2 :]:
        if ligne[0] not in noms:
            break
        ne, pe, nb, pb = synthese[noms[ligne[0]]]
        for texte, (n, p) in ((ligne[2], (ne, pe)), (ligne[3], (nb, pb))):
            if n == 0:
                assert texte == "–"
            else:
                assert texte == f"{round(100 * p / n)}\u202f% ({p} sur {n})", (ligne, n, p)
        lues += 1
    assert lues == len(synthese)


def test_small_mailles_share_a_printed_page_and_a_block_starts_one_only_if_it_must():
    from peuplement.exports.classeur import _sauts

    def seuil(indicateurs: int) -> int:
        """Rows of a first block from which a second block of 10 rows starts a new page."""
        largeurs = [26, 30, 18, 17] + [12] * indicateurs
        for n in range(1, 300):
            if _sauts([10, 10 + n], 20 + n, largeurs, 0) == [10 + n]:
                assert all(  # and every first block a little longer: still a new page
                    _sauts([10, 10 + m], 20 + m, largeurs, 0) == [10 + m] for m in range(n, n + 5)
                )
                return n
        raise AssertionError("no page break")

    largeurs = [26, 30, 18, 17] + [12] * 8
    assert _sauts([10, 24, 51], 59, largeurs, 0) == []  # 14, 27 and 8 rows: one page
    assert 20 < seuil(8) + 10 < 80  # what an A4 landscape page of Arial 10 rows holds
    assert seuil(2) < seuil(8) < seuil(12)  # a wider sheet is reduced more: more rows a page
