"""The benchmark's hierarchical tables (scripts/bench_tables.py): the generator is deterministic,
the model given to our engine is additive, and τ-Argus (when the bench extra is installed) reads
the same table back with the same primaries."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench_tables as bt  # noqa: E402


def test_generateur_deterministe_et_additif():
    a = bt.generer_communes(40, 5, graine=7)
    b = bt.generer_communes(40, 5, graine=7)
    assert a.comptes == b.comptes and a.parent == b.parent
    assert a.comptes != bt.generer_communes(40, 5, graine=8).comptes
    table = bt.vers_table(a)
    assert len(table.cellules) == a.nb_zones() * (len(a.categories) + 1)
    for r in table.relations:
        assert sum(k * table.cellules[c].valeur for c, k in r.termes) == 0, r.id
    communes_avec_iris = {p for z, p in a.parent.items() if p not in (None, bt.RACINE)}
    assert len(communes_avec_iris) == 5
    primaires = {c for c, x in table.cellules.items() if x.statut == "primaire"}
    assert primaires == {c for c, x in table.cellules.items() if 0 < x.valeur < 11}


@pytest.mark.skipif(
    importlib.util.find_spec("pytauargus") is None, reason="extra bench absent (pytauargus)"
)
def test_tauargus_relit_la_meme_table(tmp_path):
    import bench_tauargus

    th = bt.generer_communes(30, 3, graine=3)
    table = bt.vers_table(th)
    resultat = bench_tauargus.proteger_tau(th, "MOD", dossier=tmp_path, nos_niveaux=True)
    assert set(resultat.statuts) == set(table.cellules)
    for c, cellule in table.cellules.items():
        assert (resultat.statuts[c] == "primaire") == (cellule.statut == "primaire"), c
    assert any(s == "secondaire" for s in resultat.statuts.values())
