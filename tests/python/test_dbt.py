"""Real dbt runs on a loaded synthetic study."""

import shutil

import duckdb
from aides import dbt


def test_dbt_build_passes_on_the_loaded_demo(demo, tmp_path):
    dossier, _, _ = demo
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(dossier / "entrepot" / "peuplement.duckdb", copie)
    sortie = dbt(["build"], copie, tmp_path)
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    assert "ERROR=0" in sortie.stdout
    con = duckdb.connect(str(copie), read_only=True)
    n = con.execute("select count(*) from staging.stg_chargement__rapports_fichiers").fetchone()[0]
    assert n == con.execute("select count(*) from raw.rapport_chargement").fetchone()[0] > 0
    assert con.execute("select count(*) from referentiel.dict_valeurs").fetchone()[0] > 50


def test_reconciliation_test_fails_and_explains_a_lost_row(demo, tmp_path):
    dossier, _, _ = demo
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(dossier / "entrepot" / "peuplement.duckdb", copie)
    con = duckdb.connect(str(copie))
    con.execute(
        "update raw.rapport_chargement set rows_loaded = rows_loaded - 1 "
        "where fichier like '%GOHELLE%' and statut = 'charge'"
    )
    con.close()
    sortie = dbt(["build", "--store-failures"], copie, tmp_path)
    assert sortie.returncode == 1
    assert "FAIL 1 lignes_rapprochees_stg_chargement__rapports_fichiers" in sortie.stdout
    con = duckdb.connect(str(copie), read_only=True)
    table = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name like 'lignes_rapprochees%'"
    ).fetchone()[0]
    explication = con.execute(f"select explication from {table}").fetchone()[0]
    assert explication.startswith("Rapprochement faux pour bailleurs/GOHELLE/")
