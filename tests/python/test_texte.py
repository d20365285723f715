import datetime as dt

import duckdb
import pytest

from peuplement.chargement.texte import (
    BLOC,
    colonnes_texte,
    en_texte,
    normaliser_entete,
    normaliser_valeur,
    sql_normaliser_valeur,
)

CAS = [
    "Couple avec Enfant(s) ",
    "< 20 %",
    "<\u00a020\u202f%",
    "Loué à une ASSOCIATION",
    "  Isolé(e)\t",
    "",
    "0-20%",
    "Émménagé",
    "OUI",
]


@pytest.mark.parametrize("texte", CAS)
def test_sql_and_python_value_normalisation_agree(texte):
    resultat = duckdb.execute(f"select {sql_normaliser_valeur('?')}", [texte]).fetchone()[0]
    assert resultat == normaliser_valeur(texte)


def test_value_normalisation_ignores_case_accents_and_spaces():
    assert normaliser_valeur("< 20 %") == normaliser_valeur("<20%") == "<20%"
    assert normaliser_valeur("Loué") == normaliser_valeur("LOUE ")
    assert normaliser_valeur(None) == normaliser_valeur("  ") == "(vide)"


def test_header_normalisation():
    assert normaliser_entete("Nombre total d'Occupants ") == "nombre_total_d_occupants"
    assert normaliser_entete("N° logement") == "n_logement"
    assert normaliser_entete("Âge du titulaire") == "age_du_titulaire"


def test_cell_conversion():
    assert en_texte(3.0) == "3"
    assert en_texte(3.5) == "3.5"
    assert en_texte(True) == "vrai"
    assert en_texte("  x ") == "x"
    assert en_texte("") is None
    assert en_texte(dt.datetime(2021, 3, 4)) == "2021-03-04"
    assert en_texte(dt.date(2021, 3, 4)) == "2021-03-04"


# every character Python's str.strip() removes, and a few it keeps
BLANCS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\ufeff"


@pytest.mark.parametrize(
    "colonne",
    [
        [" a ", "", None, BLANCS, f"{BLANCS}b{BLANCS}", "\u200bc\u200b", "Loué\u00a0"],
        [
            "",
            3.0,
            "  4 ",
            2.5,
            None,
            True,
            dt.datetime(2021, 3, 4, 8, 30),
            dt.date(2021, 3, 4),
            3.0,
        ],
    ],
    ids=["texte", "mixte"],
)
def test_column_conversion_equals_cell_conversion(colonne):
    (textes,) = colonnes_texte([[v] for v in colonne], [0])
    assert textes.to_pylist() == [en_texte(v) for v in colonne]


def test_columns_by_blocks_equal_cell_conversion():
    """Rows turned into columns block by block: a column that holds numbers only from a later
    block on, a boolean beside the numbers it equals (True == 1.0 as dictionary keys)."""
    n = BLOC + 5
    lignes = [
        [f" id{i} ", "a" if i < BLOC else 1.0 + i % 3, [1.0, True, None, " 2 ", 0.0, False][i % 6]]
        for i in range(n)
    ]
    colonnes = colonnes_texte(lignes, [2, 0, 1])
    for k, j in enumerate([2, 0, 1]):
        assert colonnes[k].to_pylist() == [en_texte(ligne[j]) for ligne in lignes]
    assert colonnes[0].to_pylist()[:6] == ["1", "vrai", None, "2", "0", "faux"]


def test_mixed_column_memo_kept_across_blocks_never_answers_a_boolean():
    """A mixed column's memo lives from block to block: numbers of the first block, a boolean
    equal to one of them in the second, numbers and text again in the third."""
    lignes = [
        [True if i == BLOC + 1 else float(i % 2) if i % 7 else " x "] for i in range(3 * BLOC)
    ]
    (textes,) = colonnes_texte(lignes, [0])
    assert textes.to_pylist() == [en_texte(ligne[0]) for ligne in lignes]
    assert textes.to_pylist()[BLOC : BLOC + 3] == ["0", "vrai", "0"]


def test_mixed_column_tells_booleans_from_numbers():
    (textes,) = colonnes_texte([[v] for v in [1.0, True, 0.0, False, "x"]], [0])
    assert textes.to_pylist() == ["1", "vrai", "0", "faux", "x"]
