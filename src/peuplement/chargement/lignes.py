"""Sort the rows of a sheet: title, header, blank and total rows are skipped (and said so);
data rows become text columns (Arrow) keyed by canonical field."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from .entete import Entete
from .lecture import Feuille
from .texte import colonnes_texte, en_texte, sans_accents

SEPARATEUR_LISTE = ";"
_DEBUTS_SUSPECTS = frozenset("tTsSeE \t\u00a0")  # may start "total", "sous-total", "ensemble"
_TOTAL = re.compile(r"^(sous[\s-]?)?(total|totaux)\b|^ensemble\b")

# Why a row was skipped (report codes, French explanations).
RAISONS_IGNOREES = {
    "LIGNE_TITRE": "ligne de titre au-dessus de l'en-tête",
    "LIGNE_ENTETE": "ligne d'en-tête",
    "LIGNE_VIDE": "ligne vide",
    "LIGNE_TOTAL": "ligne de total",
}


@dataclass
class Decoupage:
    numeros: list[int] = field(default_factory=list)  # source row numbers of the data rows
    colonnes: dict[str, pa.StringArray] = field(default_factory=dict)  # text, null when empty
    ignorees: list[tuple[int, str, str | None]] = field(default_factory=list)  # (row, reason, text)
    lignes_lues: int = 0

    def comptes_ignores(self) -> Counter:
        return Counter(raison for _, raison, _ in self.ignorees)


def _apercu(cellules: list) -> str | None:
    textes = [t for t in (en_texte(c) for c in cellules) if t is not None]
    return " | ".join(textes)[:200] if textes else None


def _est_total(cellules: list, cle: int | None) -> bool:
    """A total row: its first filled cell says total (or ensemble), and so does its id, if any."""
    premiere = next((c for c in cellules[:6] if c), None)
    if type(premiere) is not str or premiere.lstrip()[:1].lower() not in "tse":
        return False
    if not _TOTAL.match(sans_accents(premiere.strip()).lower()):
        return False
    identifiant = en_texte(cellules[cle]) if cle is not None and cle < len(cellules) else None
    return identifiant is None or bool(_TOTAL.match(sans_accents(identifiant).lower()))


def _est_vide(cellules: list) -> bool:
    premiere = next((c for c in cellules if c), None)  # usually the first cell of a data row
    if premiere is not None and not (type(premiere) is str and premiere.isspace()):
        return False
    return all(c is None or c == "" or (type(c) is str and c.isspace()) for c in cellules)


def _premier_champ(entete: Entete) -> str:
    return min(entete.colonnes, key=entete.colonnes.get) if entete.colonnes else ""


def decouper(feuille: Feuille, entete: Entete) -> Decoupage:
    d = Decoupage(lignes_lues=len(feuille.lignes))
    lignes = feuille.lignes
    numeros = feuille.numeros or range(feuille.premiere_ligne, feuille.premiere_ligne + len(lignes))
    cle = entete.colonnes.get(_premier_champ(entete))
    reperes = [(j, entete.libelles[ch].lower()) for ch, j in list(entete.colonnes.items())[:2]]
    texte_cle = entete.libelles.get(_premier_champ(entete), "").lower()
    debut = entete.index + 1
    # Only rows whose identifier is empty, may say "total" or repeats the header need a closer
    # look; every other row below the header is a data row (the fast path on large files).
    a_examiner = set(range(debut))
    for i in range(debut, len(lignes)):
        cellules = lignes[i]
        v = cellules[cle] if cle is not None and cle < len(cellules) else None
        if not v or (
            type(v) is str and (v[:1] in _DEBUTS_SUSPECTS or v.rstrip().lower() == texte_cle)
        ):
            a_examiner.add(i)
    retenues = []
    for i in sorted(a_examiner):
        cellules, numero = lignes[i], numeros[i]
        if _est_vide(cellules):
            d.ignorees.append((numero, "LIGNE_VIDE", None))
        elif i <= entete.index - entete.hauteur:
            d.ignorees.append((numero, "LIGNE_TITRE", _apercu(cellules)))
        elif i <= entete.index:  # the header (both rows of a two-row header)
            d.ignorees.append((numero, "LIGNE_ENTETE", _apercu(cellules)))
        elif _est_total(cellules, cle):
            d.ignorees.append((numero, "LIGNE_TOTAL", _apercu(cellules)))
        elif _repete_entete(cellules, reperes):
            d.ignorees.append((numero, "LIGNE_ENTETE", _apercu(cellules)))
        else:
            retenues.append(i)
    if len(a_examiner) == debut:
        indices = range(debut, len(lignes))
        donnees = lignes[debut:]
    else:
        exclues = a_examiner.difference(retenues)
        indices = [i for i in range(debut, len(lignes)) if i not in exclues]
        donnees = [lignes[i] for i in indices]
    d.numeros = [numeros[i] for i in indices]
    listes = list(entete.listes.items())
    positions = [*entete.colonnes.values(), *(j for _, js in listes for j in js)]
    largeur = max(max(map(len, donnees), default=0), max(positions, default=-1) + 1)
    if any(len(r) < largeur for r in donnees):  # ragged CSV rows
        donnees = [list(r) + [None] * (largeur - len(r)) for r in donnees]
    textes = iter(colonnes_texte(donnees, positions))
    for champ in entete.colonnes:
        d.colonnes[champ] = next(textes)
    for champ, js in listes:
        valeurs = [next(textes).to_pylist() for _ in js]
        d.colonnes[champ] = pa.array(map(_liste, zip(*valeurs, strict=True)), pa.string())
    return d


def _liste(valeurs: tuple) -> str | None:
    presentes = [v for v in valeurs if v is not None]
    return SEPARATEUR_LISTE.join(presentes) if presentes else None


def _repete_entete(cellules: list, reperes: list[tuple[int, str]]) -> bool:
    """A header row repeated inside the data (files pasted one under the other)."""
    return len(reperes) == 2 and all(
        j < len(cellules) and (en_texte(cellules[j]) or "").lower() == texte for j, texte in reperes
    )
