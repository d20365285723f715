"""Real dbt runs on a loaded synthetic study."""

import csv
import shutil

import duckdb
from aides import RACINE, dbt


def test_dbt_build_passes_on_the_loaded_demo(entrepot_construit):
    copie, sortie = entrepot_construit
    assert "ERROR=0" in sortie and "FAIL" not in sortie
    con = duckdb.connect(str(copie), read_only=True)
    n = con.execute("select count(*) from staging.stg_chargement__rapports_fichiers").fetchone()[0]
    assert n == con.execute("select count(*) from raw.rapport_chargement").fetchone()[0] > 0
    mailles = {
        m for (m,) in con.execute("select distinct maille from marts.fct_indicateurs").fetchall()
    }
    assert mailles == {
        "epci",
        "epci_qpv",
        "commune",
        "commune_qpv",
        "qpv",
        "iris",
        "quartier",
        "residence",
    }
    indicateurs = con.execute("select count(*) from marts.dim_indicateurs").fetchone()[0]
    bailleurs = con.execute(
        "select count(distinct bailleur) from marts.fct_indicateurs"
    ).fetchone()[0]
    assert bailleurs == 6  # five landlords and « ensemble »
    epci = con.execute(
        "select count(*) from marts.fct_indicateurs where maille = 'epci'"
    ).fetchone()[0]
    assert epci == indicateurs * bailleurs  # every indicator for every landlord at EPCI level


def test_release_follows_the_publication_plan(entrepot_construit):
    """An indicator is published at a maille iff the plan says « oui »: rows of fct_indicateurs
    and counting cells of the secrecy model alike (an excluded variable is no cell there)."""
    with open(RACINE / "seeds" / "plan_publication.csv", encoding="utf-8") as f:
        plan = list(csv.DictReader(f))
    attendu = {(m, r["indicateur"]) for r in plan for m in r if m != "indicateur" and r[m] == "oui"}
    assert any(r["residence"] == "non" for r in plan)  # the default plan does exclude some
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    publies = set(
        con.execute("select distinct maille, indicateur from marts.fct_indicateurs").fetchall()
    )
    assert publies == attendu
    catalogue = {
        i: {v.replace(" ", "") for v in (n, d) if v}
        for i, n, d in con.execute(
            "select indicateur, numerateur, denominateur from referentiel.indicateurs where type <> 'ecart'"
        ).fetchall()
    }
    variables = set(
        con.execute(
            "select distinct maille, code_variable from intermediate.int_secret__cellules"
        ).fetchall()
    )
    for maille, indicateur in publies:
        assert {(maille, v) for v in catalogue.get(indicateur, ())} <= variables
    # and nothing else: a variable enters the model only where a planned indicator uses it
    # (a gap's parts are planned wherever the gap is: assert_plan_publication_complet)
    assert variables == {(m, v) for m, i in publies for v in catalogue.get(i, ())}


def _explication(copie, test: str) -> str:
    """The explanation row a failing test stored (dbt --store-failures)."""
    con = duckdb.connect(str(copie), read_only=True)
    table = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_name like '{test}%'"
    ).fetchone()[0]
    return con.execute(f"select explication from {table}").fetchone()[0]


def _copie(entrepot_construit, tmp_path):
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(entrepot_construit[0], copie)
    return copie


def test_reconciliation_test_fails_and_explains_a_lost_row(entrepot_construit, tmp_path):
    copie = _copie(entrepot_construit, tmp_path)
    con = duckdb.connect(str(copie))
    con.execute(
        "update raw.rapport_chargement set rows_loaded = rows_loaded - 1 "
        "where fichier like '%GOHELLE%' and statut = 'charge'"
    )
    con.close()
    sortie = dbt(
        ["test", "--store-failures", "--select", "stg_chargement__rapports_fichiers"],
        copie,
        tmp_path,
    )
    assert sortie.returncode == 1
    assert "FAIL 1 lignes_rapprochees_stg_chargement__rapports_fichiers" in sortie.stdout
    explication = _explication(copie, "lignes_rapprochees")
    assert explication.startswith("Rapprochement faux pour bailleurs/GOHELLE/")


def test_additivity_tests_catch_a_commune_that_does_not_add_up(entrepot_construit, tmp_path):
    copie = _copie(entrepot_construit, tmp_path)
    con = duckdb.connect(str(copie))
    code = con.execute(
        "select min(code_zone) from intermediate.int_indicateurs__long where maille = 'commune'"
    ).fetchone()[0]
    con.execute(
        "update intermediate.int_indicateurs__long set numerateur = numerateur + 1 where maille = 'commune' "
        "and code_zone = ? and bailleur = 'ensemble' and indicateur = 'part_apl'",
        [code],
    )
    con.close()
    sortie = dbt(["test", "--store-failures", "--select", "int_indicateurs__long"], copie, tmp_path)
    assert sortie.returncode == 1
    echecs = [ligne for ligne in sortie.stdout.splitlines() if " FAIL " in ligne]
    noms = " ".join(echecs)
    assert "FAIL 1 communes_egalent_epci" in noms
    assert "FAIL 1 qpv_et_hors_qpv_egalent_commune" in noms
    assert "FAIL 1 bailleurs_egalent_ensemble" in noms
    assert len(echecs) == 3, echecs
    explication = _explication(copie, "bailleurs_egalent_ensemble")
    assert explication.startswith(f"Zone {code}, part_apl : ensemble = ")


def test_peuplement_build_runs_dbt_and_records_it(construction_staging):
    from peuplement.protection.registre import Registre

    # a copy of the demo, then `peuplement construire --select dict_codes staging` (conftest)
    _, dossier, sortie, _ = construction_staging
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    derniere = Registre(dossier).lire()[-1]
    assert (derniere["operation"], derniere["resultat"]) == ("construction", "reussi")
    assert derniere["donnees"]["commande"] == "dbt build --select dict_codes staging"
    assert "stg_bailleurs__logements" in derniere["donnees"]["tables"]
    assert Registre(dossier).verifier().intact
