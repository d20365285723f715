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


def colonne_texte(valeurs: Sequence) -> pa.StringArray:
    """en_texte over a column, as an Arrow string array. A column of text cells goes to Arrow
    as it is and is trimmed there (Arrow's Unicode whitespace is Python's, code point for code
    point); in a mixed column each distinct non-text value is converted once."""
    try:
        brut = pa.array(valeurs, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates... among the text
        brut = pa.array(en_textes(valeurs), pa.string())
    net = pc.utf8_trim_whitespace(brut)
    return pc.if_else(pc.equal(net, ""), pa.scalar(None, pa.string()), net)


def en_textes(valeurs) -> list[str | None]:
    """en_texte over a column, fast: text is trimmed inline, and each distinct non-text value
    (numbers, dates: columns repeat few of them) is converted once."""
    memo: dict = {}
    sortie: list[str | None] = []
    ajouter = sortie.append
    for v in valeurs:
        if type(v) is str:
            ajouter(v.strip() or None)
        elif v is None:
            ajouter(None)
        else:
            try:
                ajouter(memo[v])
            except KeyError:
                memo[v] = texte = en_texte(v)
                ajouter(texte)
            except TypeError:  # unhashable cell value
                ajouter(en_texte(v))
    return sortie
