"""Sort the rows of a sheet: title, header, blank and total rows are skipped (and said so);
data rows become text columns keyed by canonical field."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .entete import Entete
from .lecture import Feuille
from .texte import en_texte, sans_accents

SEPARATEUR_LISTE = ";"
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
    colonnes: dict[str, list[str | None]] = field(default_factory=dict)
    ignorees: list[tuple[int, str, str | None]] = field(default_factory=list)  # (row, reason, text)
    lignes_lues: int = 0

    def comptes_ignores(self) -> Counter:
        return Counter(raison for _, raison, _ in self.ignorees)


def _apercu(cellules: list) -> str | None:
    textes = [t for t in (en_texte(c) for c in cellules) if t is not None]
    return " | ".join(textes)[:200] if textes else None


def _est_total(cellules: list, entete: Entete) -> bool:
    cle = entete.colonnes.get(_premier_champ(entete))
    identifiant = en_texte(cellules[cle]) if cle is not None and cle < len(cellules) else None
    for c in cellules[:6]:
        texte = en_texte(c)
        if texte is not None:
            if _TOTAL.match(sans_accents(texte).lower()):
                return identifiant is None or bool(_TOTAL.match(sans_accents(identifiant).lower()))
            break
    return False


def _premier_champ(entete: Entete) -> str:
    return min(entete.colonnes, key=entete.colonnes.get) if entete.colonnes else ""


def decouper(feuille: Feuille, entete: Entete) -> Decoupage:
    d = Decoupage(lignes_lues=len(feuille.lignes))
    numeros_source = feuille.numeros or range(
        feuille.premiere_ligne, feuille.premiere_ligne + len(feuille.lignes)
    )
    donnees: list[list] = []
    reperes = [(j, entete.libelles[ch].lower()) for ch, j in list(entete.colonnes.items())[:2]]
    for i, (numero, cellules) in enumerate(zip(numeros_source, feuille.lignes, strict=True)):
        if all(c is None or c == "" or (type(c) is str and c.isspace()) for c in cellules):
            d.ignorees.append((numero, "LIGNE_VIDE", None))
        elif i < entete.index:
            d.ignorees.append((numero, "LIGNE_TITRE", _apercu(cellules)))
        elif i == entete.index:
            d.ignorees.append((numero, "LIGNE_ENTETE", _apercu(cellules)))
        elif _est_total(cellules, entete):
            d.ignorees.append((numero, "LIGNE_TOTAL", _apercu(cellules)))
        elif _repete_entete(cellules, reperes):
            d.ignorees.append((numero, "LIGNE_ENTETE", _apercu(cellules)))
        else:
            d.numeros.append(numero)
            donnees.append(cellules)
    for champ, j in entete.colonnes.items():
        d.colonnes[champ] = [en_texte(r[j]) if j < len(r) else None for r in donnees]
    for champ, positions in entete.listes.items():
        d.colonnes[champ] = [_liste(r, positions) for r in donnees]
    return d


def _liste(cellules: list, positions: list[int]) -> str | None:
    valeurs = [en_texte(cellules[j]) for j in positions if j < len(cellules)]
    valeurs = [v for v in valeurs if v is not None]
    return SEPARATEUR_LISTE.join(valeurs) if valeurs else None


def _repete_entete(cellules: list, reperes: list[tuple[int, str]]) -> bool:
    """A header row repeated inside the data (files pasted one under the other)."""
    return len(reperes) == 2 and all(
        j < len(cellules) and (en_texte(cellules[j]) or "").lower() == texte for j, texte in reperes
    )
