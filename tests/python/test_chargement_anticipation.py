"""The next workbook is parsed ahead in a background thread (calamine releases the GIL): the
parse is used, files load as they would one by one, and a damaged workbook read ahead still
stops the load with its own message."""

import pytest
from aides import ENTETE, base, ecrire, ligne

from peuplement.chargement import anticipation as module
from peuplement.chargement.chargeur import charger
from peuplement.erreurs import ErreurFichier
from peuplement.etude.configuration import charger_etude


@pytest.fixture
def analyses(monkeypatch):
    """The workbooks whose parse ran in the background thread."""
    faites = []
    analyser = module.analyser_tableur

    def suivie(chemin, contenu=None):
        faites.append(chemin.name)
        return analyser(chemin, contenu)

    monkeypatch.setattr(module, "analyser_tableur", suivie)
    return faites


def test_workbooks_are_parsed_ahead_and_load_as_one_by_one(etude, analyses):
    ecrire(etude, "A", "a.xlsx", [ENTETE, ligne(1), ligne(2)])
    ecrire(etude, "B", "b.csv", [ENTETE, ligne(3)])
    ecrire(etude, "C", "c.ods", {"Vide": [], "OPS": [ENTETE, ligne(4), ligne(4)]})
    resultat = charger(charger_etude(etude))
    assert analyses == ["a.xlsx", "c.ods"]
    lus = {r.fichier: (r.rows_loaded, r.rows_quarantined) for r in resultat.fichiers}
    assert lus == {
        "bailleurs/A/a.xlsx": (2, 0),
        "bailleurs/B/b.csv": (1, 0),
        "bailleurs/C/c.ods": (1, 1),
    }
    assert base(etude).execute(
        "select bailleur, feuille, ligne_source from raw.ops_lignes order by all"
    ).fetchall() == [("A", "Feuille1", 2), ("A", "Feuille1", 3), ("B", None, 2), ("C", "OPS", 2)]


def test_damaged_workbook_read_ahead_stops_the_load_with_its_message(etude, analyses):
    ecrire(etude, "A", "a.xlsx", [ENTETE, ligne(1)])
    (etude / "bailleurs" / "B").mkdir(parents=True)
    (etude / "bailleurs" / "B" / "b.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    with pytest.raises(ErreurFichier) as erreur:
        charger(charger_etude(etude))
    assert str(erreur.value).startswith("bailleurs/B/b.xlsx : fichier illisible ou endommagé")
    assert analyses == ["a.xlsx", "b.xlsx"]
    assert base(etude).execute("select count(*) from raw.ops_lignes").fetchone()[0] == 0
