"""The protector's first pass: what every safe pattern needs on the zone-level sums, for every
reader at once, solved as one small integer program (HiGHS).

The zone-level sums (`Publication.guides`: a zone = its sub-zones, an `ensemble` = its
landlords, a partition's total = its categories) hold between published rows. On such a sum a
reader recovers by subtraction a cell hidden alone among the cells it does not know, and the
total of the hidden parts when the sum's total is known. So for each reader (the outsider, then
each landlord, who knows its own cells exactly and its own part of a mixed cell, see
`lecteurs`), on each sum:

- a protected cell (primary or secondary) is never the only hidden cell among those the reader
  does not know (an `nd` cell is hidden but not protected: recovering it alone reveals no
  protected figure, and it keeps a protected cell beside it from being alone);
- hidden parts whose units (the others' units, for a landlord) add up to less than the
  threshold under a known total: more hidden parts, or the total hidden.

These conditions are necessary, not sufficient (sums combine): the rounds of `protection` and
the audit do the rest. The program hides the cheapest set of published cells that meets every
condition of every reader: a cell's weight grows with its hiding cost (`Cellule.cout_masquage`,
which grows with the maille) and a thousandfold with its rank (`Cellule.rang`), so that a figure
the CIL reads first is hidden only when no finer choice meets the conditions. Where the greedy
pass it replaces settled each sum on its own, one program shares complements between sums.

Deterministic: HiGHS's branch and bound is, and its limit is a node count, not a time (no
`threads` option: HiGHS refuses it, and the solve fails, once its thread pool exists in the
process); if the program finds no solution within it, the greedy pass
(`protection.masquer_par_relations`) is used.
May import `modele`, `solveur` and numpy / highspy only.
"""

from __future__ import annotations

import math

import highspy
import numpy as np

from .modele import Cellule, Relation, Table
from .solveur import nouveau_solveur, resoudre

NOEUDS_MAX = 2000
POIDS_RANG = 1000.0
ECART_RELATIF = 1e-3

# what a reader knows of a cell: (its own units in it, the whole cell is its own)
Connaissance = dict[str, tuple[float, bool]]


def poids(cellule: Cellule) -> float:
    """A hidden cell's weight in the program: grows with its hiding cost, a thousandfold per
    rank."""
    return (1.0 + math.log10(1.0 + cellule.cout_masquage)) * POIDS_RANG**cellule.rang


def conditions(
    table: Table, guides: list[Relation], seuil: float, connaissances: dict[str, Connaissance]
) -> tuple[list[str], list[tuple[dict[str, float], float]]]:
    """The published cells that may be hidden (the program's variables, sorted) and the
    conditions as rows `sum(coef * hidden(cell)) >= bound` over them, for the outsider and for
    each reader of `connaissances` (a landlord: what it knows of each cell)."""
    cellules = table.cellules

    def etat(c: str) -> str | None:
        """`cible` (hidden, protected: primary or secondary), `inconnue` (hidden, not
        protected: `nd`), `publie` (published for good: forced, zero) or None (may be hidden)."""
        cellule = cellules[c]
        if cellule.statut in ("primaire", "secondaire"):
            return "cible"
        if cellule.cachee:
            return "inconnue"
        return None if cellule.statut == "publie" and cellule.valeur > 0 else "publie"

    def unites_des_autres(c: str, connu: Connaissance) -> float:
        return cellules[c].valeur - connu.get(c, (0.0, False))[0]

    lecteurs: list[Connaissance] = [{}] + [connaissances[b] for b in sorted(connaissances)]
    variables: set[str] = set()
    lignes: dict[tuple, tuple[dict[str, float], float]] = {}

    def ajouter(coefs: dict[str, float], borne: float) -> None:
        cle = (tuple(sorted(coefs.items())), borne)
        if cle not in lignes:
            lignes[cle] = (coefs, borne)
            variables.update(coefs)

    for relation in guides:
        total = relation.total()  # None: no single total (then no parts to add up either)
        toutes = ([total] if total is not None else []) + relation.parties()
        for connu in lecteurs:
            inconnues = [c for c in toutes if not connu.get(c, (0.0, False))[1]]
            if len(inconnues) < 2:
                continue
            etats = {c: etat(c) for c in inconnues}
            cibles = sum(1 for c in inconnues if etats[c] == "cible")
            cachees = cibles + sum(1 for c in inconnues if etats[c] == "inconnue")
            libres = [c for c in inconnues if etats[c] is None]
            if cachees >= 2 or not libres:
                pass  # no cell alone: nothing to ask on this sum (or nothing to choose)
            elif cibles == 1:  # one more hidden cell among the others
                ajouter({c: 1.0 for c in libres}, 1.0)
            elif cachees == 0 and len(libres) > 1:  # any cell hidden brings a second one
                for c in libres:
                    ajouter({**{autre: 1.0 for autre in libres if autre != c}, c: -1.0}, 0.0)
            # (an `nd` cell alone is no target: recovering it reveals no protected figure, and
            # it keeps any cell hidden beside it from being alone)
            # the hidden parts under a known total add up to at least the threshold, unless
            # an `nd` part keeps their sum unknown
            if total is None or etats.get(total) in ("cible", "inconnue"):
                continue
            parties = [c for c in inconnues if c != total]
            if any(etats[c] == "inconnue" for c in parties):
                continue
            fixes = [c for c in parties if etats[c] == "cible"]
            if not fixes:
                continue
            autres = sum(unites_des_autres(c, connu) for c in fixes)
            if autres >= seuil:
                continue
            coefs = {
                c: unites_des_autres(c, connu)
                for c in parties
                if etats[c] is None and unites_des_autres(c, connu) > 0
            }
            if etats.get(total, "publie") is None:
                coefs[total] = seuil
            if coefs and sum(min(k, seuil) for k in coefs.values()) >= seuil - autres:
                ajouter({c: min(k, seuil) for c, k in coefs.items()}, seuil - autres)
    return sorted(variables), list(lignes.values())


def masquer_par_conditions(
    table: Table, guides: list[Relation], seuil: float, connaissances: dict[str, Connaissance]
) -> int | None:
    """Hide, as secondaries, the cheapest published cells that meet the conditions of every
    reader (`conditions`). Returns the number of cells hidden, or None when the program found
    no solution within its node limit (nothing changed)."""
    ids, lignes = conditions(table, guides, seuil, connaissances)
    if not ids:
        return 0
    index = {c: i for i, c in enumerate(ids)}
    n = len(ids)
    h = nouveau_solveur()
    h.setOptionValue("mip_max_nodes", NOEUDS_MAX)
    h.setOptionValue("mip_rel_gap", ECART_RELATIF)
    cellules = table.cellules
    colonnes = np.arange(n, dtype=np.int32)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, colonnes, np.array([poids(cellules[c]) for c in ids]))
    h.changeColsIntegrality(n, colonnes, np.full(n, highspy.HighsVarType.kInteger))
    for coefs, borne in lignes:
        idx = np.array([index[c] for c in coefs], dtype=np.int32)
        h.addRow(borne, highspy.kHighsInf, len(idx), idx, np.array(list(coefs.values())))
    resoudre(h)
    solution = h.getSolution()
    if not solution.value_valid:
        return None
    x = np.round(np.asarray(solution.col_value))
    for coefs, borne in lignes:  # checked here rather than trusted: else the greedy pass
        if sum(k * x[index[c]] for c, k in coefs.items()) < borne - 1e-6:
            return None
    choisies = [c for c in ids if x[index[c]] > 0.5]
    for c in choisies:
        cellules[c].statut = "secondaire"
    return len(choisies)
