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
