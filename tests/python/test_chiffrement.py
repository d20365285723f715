"""Encryption at rest: no personal data in clear in the warehouse of a real study."""

import os
from pathlib import Path

import duckdb
import pytest
from aides import ENTETE, ecrire, ligne, peuplement

from peuplement.chargement.chargeur import charger
from peuplement.erreurs import ErreurConfiguration
from peuplement.etude import entrepot
from peuplement.etude.configuration import charger_etude, initialiser_etude
from peuplement.protection.chiffrement import ErreurCle, cle_entrepot
from peuplement.protection.registre import Registre

CLE = "cle-de-test-9f3a1c"
SENTINELLE = "SENTINELLE-7Q4Z"


def _ecrire_etude_reelle(dossier: Path) -> Path:
    initialiser_etude(dossier, nom="Réelle", code_epci="246200364", operateur="Testeur")
    lignes = [ENTETE] + [
        ligne(i, occupants=2, enfants=1, situation="Famille monoparentale") for i in range(1, 30)
    ]
    lignes[5][0] = SENTINELLE  # a landlord dwelling id nobody else has
    ecrire(dossier, "X", "ops.xlsx", lignes)
    return dossier


@pytest.fixture
def etude_reelle(tmp_path):
    return _ecrire_etude_reelle(tmp_path / "etude")


@pytest.fixture(scope="module")
def etude_construite(tmp_path_factory):
    """A real study loaded and built (up to the staging) by the CLI with a key, once: the build
    test reads it, the purge test destroys a copy of it."""
    dossier = _ecrire_etude_reelle(tmp_path_factory.mktemp("chiffree") / "etude")
    env = {"PEUPLEMENT_CLE": CLE}
    assert peuplement("charger", "--etude", str(dossier), env=env).returncode == 0
    sortie = peuplement(
        "construire", "--etude", str(dossier), "--select", "dict_codes", "staging", env=env
    )
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    return dossier


def _ouvrir(dossier: Path, phrase: str):
    """The study's warehouse opened with the key derived from a passphrase."""
    return entrepot.ouvrir(
        dossier / "entrepot" / "peuplement.duckdb", cle_entrepot(charger_etude(dossier), phrase)
    )


def _fichiers_contenant(racine: Path, motif: bytes, sauf: set[Path]) -> list[Path]:
    return [
        p for p in racine.rglob("*") if p.is_file() and p not in sauf and motif in p.read_bytes()
    ]


def test_no_key_no_personal_data(etude_reelle):
    with pytest.raises(ErreurConfiguration, match="aucune clé de chiffrement"):
        charger(charger_etude(etude_reelle))
    assert not (etude_reelle / "entrepot" / "peuplement.duckdb").exists()


def test_the_warehouse_is_encrypted_and_holds_no_clear_value(etude_reelle, monkeypatch):
    monkeypatch.setenv("PEUPLEMENT_CLE", CLE)
    resultat = charger(charger_etude(etude_reelle))
    assert resultat.fichiers[0].rows_loaded == 29
    base = etude_reelle / "entrepot" / "peuplement.duckdb"
    source = etude_reelle / "bailleurs" / "X" / "ops.xlsx"
    # the landlord's own file is the only place where the value lies (its encrypted transmission
    # is not built yet); the warehouse files (database, WAL) never hold it in clear
    assert _fichiers_contenant(etude_reelle, SENTINELLE.encode(), {source}) == []
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(base), read_only=True)
    with pytest.raises(ErreurConfiguration, match="n'est pas celle de cet entrepôt"):
        entrepot.ouvrir(base, CLE)  # the passphrase itself is never the database key
    con = _ouvrir(etude_reelle, CLE)
    assert (
        con.execute(
            "select count(*) from raw.ops_lignes where id_logement_bailleur = ?", [SENTINELLE]
        ).fetchone()[0]
        == 1
    )
    con.close()
    with pytest.raises(ErreurCle, match="n'est pas celle de cette étude"):
        _ouvrir(etude_reelle, "mauvaise-cle")


def test_dbt_builds_the_encrypted_warehouse_without_leaking_key_or_data(etude_construite):
    etude_reelle = etude_construite  # loaded and built with the key
    assert (etude_reelle / "entrepot" / "dbt" / "target" / "run_results.json").is_file()
    source = etude_reelle / "bailleurs" / "X" / "ops.xlsx"
    derivee = cle_entrepot(charger_etude(etude_reelle), CLE)
    for secret in (CLE, derivee):  # neither the passphrase nor the database key is written
        assert _fichiers_contenant(etude_reelle, secret.encode(), set()) == []
    assert _fichiers_contenant(etude_reelle, SENTINELLE.encode(), {source}) == []
    con = _ouvrir(etude_reelle, CLE)
    assert con.execute("select count(*) from staging.stg_bailleurs__logements").fetchone()[0] == 29
    assert os.environ.get("PEUPLEMENT_CLE") is None


def test_purge_destroys_verifies_and_attests(etude_construite, tmp_path):
    import shutil

    import openpyxl

    from peuplement.protection.registre import Registre

    etude_reelle = tmp_path / "etude"  # a copy of the loaded and built study
    shutil.copytree(etude_construite, etude_reelle)
    agregat = etude_reelle / "exports" / "indicateurs.csv"
    agregat.write_text("maille;valeur\nepci;42\n", encoding="utf-8")
    refus = peuplement("purger", "--etude", str(etude_reelle))  # no --oui, no terminal: refused
    assert refus.returncode != 0 and (etude_reelle / "entrepot" / "peuplement.duckdb").exists()
    sortie = peuplement("purger", "--etude", str(etude_reelle), "--oui")
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    assert "aucun reste" in sortie.stdout
    assert not (etude_reelle / "entrepot" / "peuplement.duckdb").exists()
    assert not (etude_reelle / "bailleurs" / "X" / "ops.xlsx").exists()
    assert _fichiers_contenant(etude_reelle, SENTINELLE.encode(), set()) == []
    assert agregat.read_text(encoding="utf-8") == "maille;valeur\nepci;42\n"  # aggregates kept
    registre = Registre(etude_reelle)
    assert registre.verifier().intact
    purge = registre.lire()[-1]
    assert (purge["operation"], purge["resultat"]) == ("purge", "reussi")
    detruits = {f["chemin"] for f in purge["donnees"]["fichiers_detruits"]}
    assert {"bailleurs/X/ops.xlsx", "entrepot/peuplement.duckdb"} <= detruits
    attestation = next((etude_reelle / "exports").glob("attestation_destruction_*.xlsx"))
    cellules = [
        c for r in openpyxl.load_workbook(attestation).active.iter_rows(values_only=True) for c in r
    ]
    assert "bailleurs/X/ops.xlsx" in cellules and purge["empreinte"] in cellules


def test_age_transmission_leaves_no_clear_value_anywhere(etude_reelle):
    import pyrage

    env = {"PEUPLEMENT_CLE": CLE}
    sortie = peuplement("cles", "creer", "--etude", str(etude_reelle), env=env)
    assert sortie.returncode == 0, sortie.stderr
    destinataire = (etude_reelle / "cles" / "destinataire.txt").read_text().strip()
    assert destinataire.startswith("age1") and destinataire in sortie.stdout
    assert b"AGE-SECRET-KEY" not in (etude_reelle / "cles" / "identite.age").read_bytes()
    source = etude_reelle / "bailleurs" / "X" / "ops.xlsx"  # what the landlord sends, encrypted
    chiffre = source.with_name("ops.xlsx.age")
    chiffre.write_bytes(
        pyrage.encrypt(source.read_bytes(), [pyrage.x25519.Recipient.from_str(destinataire)])
    )
    source.unlink()
    resultat = peuplement("charger", "--etude", str(etude_reelle), "--json", env=env)
    assert resultat.returncode == 0, resultat.stderr
    assert '"rows_loaded": 29' in resultat.stdout
    assert _fichiers_contenant(etude_reelle, SENTINELLE.encode(), set()) == []
    mauvaise = peuplement("charger", "--etude", str(etude_reelle), env={"PEUPLEMENT_CLE": "autre"})
    assert mauvaise.returncode == 2 and "n'est pas celle de cette étude" in mauvaise.stderr
    assert peuplement("purger", "--etude", str(etude_reelle), "--oui", env=env).returncode == 0
    assert not (etude_reelle / "cles" / "identite.age").exists() and not chiffre.exists()
    assert [
        e["operation"]
        for e in __import__("peuplement.protection.registre")
        .protection.registre.Registre(etude_reelle)
        .lire()
    ] == ["creation", "changement_cle"] + ["chargement"] * 4 + ["purge"]


def test_changing_the_warehouse_key(etude_reelle):
    from peuplement.protection.registre import Registre

    assert (
        peuplement("charger", "--etude", str(etude_reelle), env={"PEUPLEMENT_CLE": CLE}).returncode
        == 0
    )
    assert (
        peuplement(
            "cles", "creer", "--etude", str(etude_reelle), env={"PEUPLEMENT_CLE": CLE}
        ).returncode
        == 0
    )
    nouvelle = "nouvelle-cle-5d2e"
    sortie = peuplement(
        "cles",
        "changer",
        "--etude",
        str(etude_reelle),
        env={"PEUPLEMENT_CLE": CLE, "PEUPLEMENT_NOUVELLE_CLE": nouvelle},
    )
    assert sortie.returncode == 0, sortie.stderr
    base = etude_reelle / "entrepot" / "peuplement.duckdb"
    with pytest.raises(ErreurCle):
        _ouvrir(etude_reelle, CLE)
    con = _ouvrir(etude_reelle, nouvelle)
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == 29
    con.close()
    assert not Path(str(base) + ".nouveau").exists()
    assert Registre(etude_reelle).lire()[-1]["operation"] == "changement_cle"
    assert (
        peuplement(
            "charger", "--etude", str(etude_reelle), env={"PEUPLEMENT_CLE": nouvelle}
        ).returncode
        == 0
    )


def test_purge_finds_a_value_of_the_destroyed_files_left_in_a_kept_file(etude_reelle):
    env = {"PEUPLEMENT_CLE": CLE}
    assert peuplement("load", "--etude", str(etude_reelle), env=env).returncode == 0
    note = etude_reelle / "exports" / "notes.csv"
    note.write_text(f"logement;remarque\n{SENTINELLE};à revoir\n", encoding="utf-8")
    sortie = peuplement("purge", "--etude", str(etude_reelle), "--yes", env=env)
    assert sortie.returncode == 1, sortie.stdout + sortie.stderr
    texte = " ".join(sortie.stdout.split())
    assert "exports/notes.csv contient 1 valeur(s) d'un fichier détruit" in texte
    assert SENTINELLE not in sortie.stdout  # the attestation names the file, not the value


def test_a_study_encrypted_with_the_raw_passphrase_is_migrated_on_first_use(etude_reelle):
    from peuplement.protection.chiffrement import connecter_chiffre
    from peuplement.protection.registre import Registre

    base = etude_reelle / "entrepot" / "peuplement.duckdb"
    ancienne = connecter_chiffre(base, CLE)  # how studies were encrypted before key derivation
    entrepot.creer_schema(ancienne)
    ancienne.close()
    assert not (etude_reelle / "cles" / "derivation.json").exists()
    sortie = peuplement("load", "--etude", str(etude_reelle), env={"PEUPLEMENT_CLE": CLE})
    assert sortie.returncode == 0, sortie.stderr
    assert (etude_reelle / "cles" / "derivation.json").exists()
    with pytest.raises(ErreurConfiguration, match="n'est pas celle de cet entrepôt"):
        connecter_chiffre(base, CLE)
    con = _ouvrir(etude_reelle, CLE)
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == 29
    con.close()
    migration = [e for e in Registre(etude_reelle).lire() if e["operation"] == "changement_cle"]
    assert len(migration) == 1 and "clé dérivée" in migration[0]["message"]


def test_the_purge_finds_short_identifiers_not_short_values(etude_reelle):
    """A dwelling identifier of 5 characters left in a kept file is found (as a whole word);
    an age, a postal code, a yes/no or a longer identifier that merely starts like it are not
    identifying alone and do not fail the purge."""
    env = {"PEUPLEMENT_CLE": CLE}
    assert peuplement("load", "--etude", str(etude_reelle), env=env).returncode == 0
    (etude_reelle / "exports" / "suivi.csv").write_text(
        "logement;age;code postal;apl\nL0007;47;62110;Oui\n", encoding="utf-8"
    )
    (etude_reelle / "exports" / "autres.csv").write_text(
        "code;age;code postal;apl\nL00071;47;62110;Oui\n", encoding="utf-8"
    )
    sortie = peuplement("purger", "--etude", str(etude_reelle), "--oui", env=env)
    texte = " ".join(sortie.stdout.split())
    assert sortie.returncode == 1, sortie.stdout + sortie.stderr
    assert "exports/suivi.csv contient 1 valeur(s) d'un fichier détruit" in texte, texte
    assert "autres.csv" not in texte and "L0007" not in texte


def test_a_build_out_of_memory_says_so_in_french_and_spilling_does_not_break_it(etude_reelle):
    """DuckDB's memory limit reached: a French message naming the setting, exit 2, a register
    entry saying why, no traceback; and the encrypted target's spill folder is set once, so
    nodes after a spill do not all fail on « Cannot switch temporary directory »."""
    env = {"PEUPLEMENT_CLE": CLE}
    assert peuplement("charger", "--etude", str(etude_reelle), env=env).returncode == 0
    sortie = peuplement(
        "construire", "--etude", str(etude_reelle), "--select", "dict_codes", "staging",
        env={**env, "PEUPLEMENT_MEMOIRE": "40MB"},
    )
    texte = sortie.stdout + sortie.stderr
    assert sortie.returncode == 2, texte[-3000:]
    assert "mémoire insuffisante" in texte and "PEUPLEMENT_MEMOIRE = 40MB" in texte
    assert "Traceback" not in texte
    journal = (etude_reelle / "entrepot" / "dbt" / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Out of Memory Error" in journal  # the cause, kept in dbt's log
    assert "Cannot switch temporary directory" not in journal
    entree = Registre(etude_reelle).lire()[-1]
    assert entree["operation"] == "construction" and entree["resultat"] == "echec"
    assert "mémoire insuffisante" in entree["message"]
