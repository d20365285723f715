"""Text normalisation shared by header matching, value matching and cell conversion."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def sans_accents(texte: str) -> str:
    decomposed = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normaliser_entete(entete: str) -> str:
    """'Nombre total d'Occupants ' -> 'nombre_total_d_occupants' (case, accents, punctuation)."""
    s = sans_accents(str(entete)).lower()
    return _NON_ALNUM.sub("_", s).strip("_")


def normaliser_valeur(valeur: str | None) -> str:
    """'Couple avec Enfant(s) ' -> 'coupleavecenfant(s)'. Must match SQL_NORMALISER_VALEUR."""
    if valeur is None:
        return "(vide)"
    s = _SPACES.sub("", sans_accents(str(valeur)).lower())
    return s or "(vide)"


def sql_normaliser_valeur(expr: str) -> str:
    """DuckDB expression equal to normaliser_valeur(expr) (the dbt macro uses the same rule)."""
    return (
        f"coalesce(nullif(regexp_replace(lower(strip_accents({expr})), '[\\s\\x{{00A0}}\\x{{202F}}]+', '', 'g'), ''),"
        " '(vide)')"
    )


def en_texte(valeur: object) -> str | None:
    """Convert a spreadsheet cell to the raw text landed in DuckDB (None for an empty cell)."""
    if valeur is None:
        return None
    kind = type(valeur)
    if kind is str:
        s = valeur.strip()
        return s or None
    if kind is float:
        if valeur.is_integer():
            return str(int(valeur))
        return repr(valeur)
    if kind is bool:
        return "vrai" if valeur else "faux"
    if kind is int:
        return str(valeur)
    if kind is dt.datetime:
        if valeur.time() == dt.time(0, 0):
            return valeur.date().isoformat()
        return valeur.isoformat(sep=" ")
    if kind is dt.date:
        return valeur.isoformat()
    s = str(valeur).strip()
    return s or None


# Rows of a sheet are turned into columns by blocks of this many rows: a block's cells stay in
# the processor's cache while each of its columns is gathered (a whole-sheet column pass touches
# every row again for each column, and spent most of its time waiting for memory).
BLOC = 2048


def colonnes_texte(lignes: Sequence[Sequence], positions: Sequence[int]) -> list[pa.StringArray]:
    """en_texte over the given columns of rectangular rows, as Arrow string arrays. A column of
    text cells goes to Arrow as it is and is trimmed there (Arrow's Unicode whitespace is
    Python's, code point for code point); a column once found to hold numbers or dates among
    its text is converted block by block by `_textes_bruts`, with one memo for the column."""
    morceaux: list[list[pa.Array]] = [[] for _ in positions]
    memos: list[_Textes | None] = [None] * len(positions)
    for debut in range(0, len(lignes), BLOC):
        colonnes = list(zip(*lignes[debut : debut + BLOC], strict=True))
        for k, j in enumerate(positions):
            valeurs = colonnes[j]
            memo = memos[k]
            if memo is None:
                try:
                    morceaux[k].append(pa.array(valeurs, pa.string()))
                    continue
                except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates... among the text
                    memos[k] = memo = _Textes()
            morceaux[k].append(pa.array(_textes_bruts(valeurs, memo), pa.string()))
    sortie = []
    for k, m in enumerate(morceaux):  # each column's blocks freed once it is whole
        morceaux[k] = []
        sortie.append(_rogner(pa.chunked_array(m, pa.string()).combine_chunks()))
        del m
    return sortie


def _rogner(brut: pa.StringArray) -> pa.StringArray:
    net = pc.utf8_trim_whitespace(brut)
    return pc.if_else(pc.equal(net, ""), pa.scalar(None, pa.string()), net)


class _Textes(dict):
    """The raw text of each distinct value of a mixed column, filled as values come: a text
    cell is itself (colonnes_texte trims it in Arrow), any other value its en_texte. Never
    holds a boolean (True == 1 == 1.0 as dictionary keys: `_textes_bruts` sees to it)."""

    def __missing__(self, valeur: object) -> str | None:
        texte = valeur if type(valeur) is str else en_texte(valeur)
        self[valeur] = texte
        return texte


def _textes_bruts(valeurs: Sequence, memo: _Textes) -> list[str | None]:
    """A block of a mixed column as text cells left untrimmed and the text of its other
    cells, through the column's memo: a dictionary lookup per cell, in C, each distinct value
    converted once. `en_textes` for a block holding a boolean (which an equal number in the
    memo would answer) or a value that cannot be a dictionary key."""
    if bool in set(map(type, valeurs)):
        return en_textes(valeurs)
    try:
        return list(map(memo.__getitem__, valeurs))
    except TypeError:  # an unhashable cell value
        return en_textes(valeurs)


def en_textes(valeurs) -> list[str | None]:
    """en_texte over a column: text is trimmed inline, and each distinct non-text value
    (numbers, dates: columns repeat few of them) is converted once (keyed by its type too:
    True == 1 == 1.0 as dictionary keys)."""
    memo: dict = {}
    sortie: list[str | None] = []
    ajouter = sortie.append
    for v in valeurs:
        if type(v) is str:
            ajouter(v.strip() or None)
        elif v is None:
            ajouter(None)
        else:
            cle = (type(v), v)
            try:
                ajouter(memo[cle])
            except KeyError:
                memo[cle] = texte = en_texte(v)
                ajouter(texte)
            except TypeError:  # unhashable cell value
                ajouter(en_texte(v))
    return sortie
