"""Shared fixtures: a synthetic study generated and loaded once, and small hand-made studies."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from peuplement.chargement.chargeur import charger
from peuplement.etude.configuration import charger_etude, initialiser_etude
from peuplement.synthetique.etude_demo import ecrire_etude_demo

RACINE = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


# Under pytest-xdist (`-n 2 --dist loadgroup`, see the README) a session fixture is built once
# per worker: the tests sharing an expensive one form one group, run by one worker, so that it
# is built once; the other tests are grouped by module (their module fixtures built once too).
# The heaviest groups are handed out first (in this order), so that they start side by side.
_GROUPES_PARTAGES = {
    "entrepot_demo": {
        "demo",
        "entrepot_construit",
        "audit_en_echec",
        "cartes_demo",
        "construction_staging",
    },
    "etude_exportee": {"etude_exportee"},
}
_EN_PREMIER = ("entrepot_demo", "etude_exportee", "test_pannes", "test_chiffrement")


def _groupe(item: pytest.Item) -> str:
    for nom, partagees in _GROUPES_PARTAGES.items():
        if partagees.intersection(item.fixturenames):
            return nom
    return item.module.__name__


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    if not config.getoption("loadgroup", False):  # set by xdist in its workers
        return
    rang = {nom: i for i, nom in enumerate(_EN_PREMIER)}
    groupes = {item: _groupe(item) for item in items}
    for item, nom in groupes.items():
        # what `@pytest.mark.xdist_group(nom)` does: xdist 3.8 appends "@nom" to the node id
        # it schedules by, but writes it where pytest 9.2 no longer reads it (`item._nodeid`;
        # the id is now the structured `item._id`), so the mark alone groups nothing
        item._id = type(item._id).parse(f"{item.nodeid}@{nom}")
    # stable: each group keeps the tests' own order (--no-loadscope-reorder keeps this one)
    items.sort(key=lambda item: rang.get(groupes[item], len(rang)))


@pytest.fixture(autouse=True)
def _sans_base_imposee(monkeypatch):
    monkeypatch.delenv("PEUPLEMENT_DB", raising=False)
    monkeypatch.delenv("PEUPLEMENT_CLE", raising=False)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A 3,000-dwelling synthetic study, loaded once: (study dir, load result, manifest)."""
    os.environ.pop("PEUPLEMENT_DB", None)
    dossier = tmp_path_factory.mktemp("demo") / "etude"
    ecrire_etude_demo(dossier, logements=3000, graine=7)
    resultat = charger(charger_etude(dossier))
    manifeste = json.loads((dossier / "synthese.json").read_text(encoding="utf-8"))
    return dossier, resultat, manifeste


@pytest.fixture
def etude(tmp_path):
    """An empty study directory, ready for hand-made files."""
    dossier = tmp_path / "etude"
    initialiser_etude(
        dossier, nom="Test", code_epci="246200364", operateur="Testeur", mode="demonstration"
    )
    return dossier


@pytest.fixture(scope="session")
def entrepot_construit(demo, tmp_path_factory):
    """A copy of the demo warehouse after a real `dbt build`: (warehouse path, dbt output)."""
    import shutil

    from aides import dbt

    dossier, _, _ = demo
    travail = tmp_path_factory.mktemp("dbt")
    copie = travail / "entrepot.duckdb"
    shutil.copy(dossier / "entrepot" / "peuplement.duckdb", copie)
    sortie = dbt(["build"], copie, travail)
    assert sortie.returncode == 0, sortie.stdout[-5000:]
    return copie, sortie.stdout


@pytest.fixture(scope="session")
def audit_en_echec(demo, entrepot_construit, tmp_path_factory):
    """One unsafe build, shared by the tests that read its failure (the build runner's French
    explanation, dbt's statuses and stored failures, the exports left untouched): a copy of the
    demo study holding the warehouse and the exports of a passing full build, rebuilt by
    `peuplement construire` from the secrecy onwards with primary suppression only (no
    secondaries). Returns (study, CLI output, the exports' hashes before the build)."""
    import shutil

    from aides import empreintes, peuplement

    dossier = tmp_path_factory.mktemp("audit_en_echec") / "etude"
    shutil.copytree(demo[0], dossier)
    shutil.rmtree(dossier / "entrepot" / "dbt", ignore_errors=True)
    shutil.copy(entrepot_construit[0], dossier / "entrepot" / "peuplement.duckdb")
    shutil.rmtree(dossier / "exports")  # the demo's, empty: replaced by the passing build's
    shutil.copytree(entrepot_construit[0].parent / "exports", dossier / "exports")
    avant = empreintes(dossier / "exports")
    assert any(n.startswith("classeur_cil_") for n in avant) and "cellules.csv" in avant
    sortie = peuplement(
        "construire",
        "--etude",
        str(dossier),
        "--select",
        "int_secret__parametres+",
        "--vars",
        "{secret_masquage_secondaire: false}",
    )
    return dossier, sortie, avant


@pytest.fixture(scope="session")
def etude_exportee(tmp_path_factory):
    """A 600-dwelling demo study (with contours) loaded by `peuplement charger` and built by
    `peuplement exporter` (the full build, its exports written), once: the export command's test
    reads it, and the batch test compares its own build of the same study with it.
    Returns (study, the export command's output)."""
    from aides import peuplement

    dossier = tmp_path_factory.mktemp("exportee") / "epci_a"
    ecrire_etude_demo(dossier, logements=600, graine=11)
    chargement = peuplement("charger", "--etude", str(dossier))
    assert chargement.returncode == 0, chargement.stdout[-3000:] + chargement.stderr[-3000:]
    return dossier, peuplement("exporter", "--etude", str(dossier))


@pytest.fixture(scope="session")
def cartes_demo(demo, entrepot_construit, tmp_path_factory):
    """The built demo's release, its contours and its maps, drawn once as the export draws them
    (read only by the tests): (publication, contours, maps, their folder)."""
    import duckdb

    from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
    from peuplement.exports.donnees import lire, relations_entrepot

    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    try:
        pub = lire(relations_entrepot(con))
    finally:
        con.close()
    fonds = charger_fonds(demo[0] / "referentiels", zones_etude(pub))
    dossier = tmp_path_factory.mktemp("cartes")
    return pub, fonds, dessiner_cartes(pub, fonds, dossier), dossier


@pytest.fixture(scope="session")
def construction_staging(demo, tmp_path_factory):
    """A copy of the demo study built up to the staging by `peuplement construire`, run from
    the study's parent folder with a relative --etude, once: the build runner's tests and the
    register's read it. Returns (parent folder, study, CLI output, the modification time of the
    repository's own target/run_results.json before the build, None if absent)."""
    import shutil
    import subprocess

    parent = tmp_path_factory.mktemp("construction_staging")
    dossier = parent / "etude"
    shutil.copytree(demo[0], dossier)
    shutil.rmtree(dossier / "entrepot" / "dbt", ignore_errors=True)
    resultats_depot = RACINE / "target" / "run_results.json"
    avant = resultats_depot.stat().st_mtime if resultats_depot.exists() else None
    environnement = {
        k: v for k, v in os.environ.items() if k not in ("PEUPLEMENT_DB", "PEUPLEMENT_CLE")
    }
    sortie = subprocess.run(
        [str(BIN / "peuplement"), "construire", "--etude", "etude", "--select", "dict_codes", "staging"],
        capture_output=True,
        text=True,
        env=environnement,
        cwd=parent,
    )
    return parent, dossier, sortie, avant
