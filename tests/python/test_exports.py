"""The exports, opened as a CIL member or a landlord would: workbooks (openpyxl) and open files
(csv), every figure compared with the mart; labels never become formulas; a failing secrecy
test leaves the previous export untouched."""

import csv
import hashlib
import shutil

import duckdb
import pytest
from aides import dbt, peuplement
from openpyxl import load_workbook

FEUILLES = ["EPCI", "EPCI dans et hors QPV", "Communes", "QPV par commune", "QPV", "IRIS", "Quartiers", "Résidences"]
MAILLES = ["epci", "epci_qpv", "commune", "commune_qpv", "qpv", "iris", "quartier", "residence"]


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


def _verifier_feuilles(wb, mart, indicateurs, bailleur):
    """Every cell of every maille sheet equals the mart; marks are text; codes are text."""
    assert wb.sheetnames[0] == "Présentation" and wb.sheetnames[-1] == "Méthodologie"
    comparees = 0
    for feuille, maille in zip(FEUILLES, MAILLES, strict=True):
        if feuille not in wb.sheetnames:
            assert not any(k[0] == maille and k[2] == bailleur for k in mart), feuille
            continue
        ws = wb[feuille]
        entetes = [c.value for c in ws[1]]
        decalage = entetes.index(indicateurs[0][1])
        assert entetes[decalage:] == [libelle for _, libelle, _ in indicateurs]
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref
        zones = {k[1] for k in mart if k[0] == maille and k[2] == bailleur}
        assert ws.max_row - 1 == len(zones)
        for ligne in ws.iter_rows(min_row=2):
            code = ligne[0].value
            assert ligne[0].data_type == "s" and code in zones
            for (indicateur, _, type_), cellule in zip(indicateurs, ligne[decalage:], strict=True):
                assert cellule.data_type != "f"
                statut, numerateur, valeur, _ = mart[(maille, code, bailleur, indicateur)]
                if statut != "publie":
                    assert cellule.value == statut and cellule.data_type == "s"
                elif type_ == "effectif":
                    assert cellule.value == numerateur and cellule.number_format == "# ##0"
                elif type_ == "ecart":
                    assert cellule.value == pytest.approx(valeur * 100)
                elif type_ in ("part", "taux"):
                    assert cellule.value == pytest.approx(valeur)
                    assert cellule.number_format == "0.0%"
                    assert 0 < cellule.value < 1  # no published 0 % or 100 %
                else:
                    assert cellule.value == pytest.approx(valeur)
                comparees += 1
    return comparees


def test_the_cil_workbook_matches_the_mart_and_reads_well(export):
    dossier, mart, indicateurs, _ = export
    wb = _classeur(dossier, "classeur_cil_")
    assert wb.sheetnames == ["Présentation", *FEUILLES, "Méthodologie"]
    couverture = " ".join(
        str(c.value) for ligne in wb["Présentation"].iter_rows() for c in ligne if c.value
    )
    assert "Données d'occupation du parc social au 1er janvier 2022" in couverture
    assert "aucune retrouvée" in couverture and "nd" in couverture
    comparees = _verifier_feuilles(wb, mart, indicateurs, "ensemble")
    assert comparees == sum(1 for k in mart if k[2] == "ensemble")
    marques = {
        c.value for ws in wb.worksheets[1:-1] for ligne in ws.iter_rows(min_row=2) for c in ligne
    }
    assert {"s", "nd"} <= marques
    methodo = [c.value for c in wb["Méthodologie"]["A"] if c.value]
    assert {i for i, _, _ in indicateurs} <= set(methodo)
    assert wb["Communes"]._charts and wb["QPV par commune"]._charts


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
    ws = _classeur(tmp_path / "exports", "classeur_cil_")["Communes"]
    libelles = {ligne[0].value: ligne[1] for ligne in ws.iter_rows(min_row=2)}
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
