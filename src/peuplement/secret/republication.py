"""The final pass of the protector: publish again every secondary cell the release does not need.

The first pass and the rounds of `protection` choose complements sum by sum and target by
target; some of those cells turn out not to be needed once the others are hidden. Each secondary is tried in
turn, the figures a CIL reads first (highest rank, then highest cost) first: it is published,
and the targets whose range that can change are audited again, for every reader (the outsider,
then each landlord with its own cells known); if one of them is exposed the cell is hidden
again. The pattern stays safe at each step, and every secondary left is needed at the moment it
was tried.

Only a local piece of the component is audited for each trial, exactly: with the published
cells fixed, the attacker's feasible tables are the product of those of the groups of hidden
cells that the relations (each written in one of its equivalent ways, see `audit.blocs`) and
the targets link. Publishing a cell fixes it: only the groups it touched can change. Those are
found by a walk from the cell's neighbours over hidden cells, closed under the relations and
targets they name, so a trial costs the size of its neighbourhood, not of the component.
Deterministic: the order and the verdicts depend on the table only.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict

import numpy as np

from .audit import (
    PROTEGES,
    ModeleComposante,
    Reserve,
    _auditer_par_temoins,
    _ecriture,
    cibles,
    prouvee_par,
)
from .modele import Relation, Table

# the work the pass may do in one component (`PEUPLEMENT_SECRET_REPUBLICATION`), in programs
# of a piece of up to `CELLULES_PAR_PROGRAMME` cells (a program on a larger piece counts as
# many as it has such slices: its cost grows with the piece): trials go in priority order, so
# the budget goes to the figures a CIL reads first; past it the remaining secondaries stay
# hidden. A count, not a time, so that the pattern does not depend on the machine. The default
# lets a table of the file interface or a small component try every secondary, and the largest
# components (pieces of thousands of cells, one count linked across the whole EPCI) only a few:
# see docs/secret.md for what it gains and costs.
VARIABLE = "PEUPLEMENT_SECRET_REPUBLICATION"
BUDGET_DEFAUT = 200
CELLULES_PAR_PROGRAMME = 500


def budget() -> int:
    texte = os.environ.get(VARIABLE, "").strip()
    return int(texte) if texte.isdigit() else BUDGET_DEFAUT


class Voisinage:
    """For each cell of a component, the relations that name it in any of their ways of writing
    and the (total, part) complement pairs that name it: computed once, shared by every view."""

    def __init__(self, table: Table):
        self.table = table
        self.relations_de: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(table.relations):
            noms = {c for c, _ in r.termes}
            for autre in table.equivalentes.get(r.id, ()):
                noms.update(c for c, _ in autre)
            for c in noms:
                self.relations_de[c].append(i)
        self.paires_de: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for t, p in table.complements:
            self.paires_de[t].append((t, p))
            if p != t:
                self.paires_de[p].append((t, p))

    def graines(self, cellule: str) -> set[str]:
        """Every cell a relation or a complement pair names together with `cellule`."""
        noms: set[str] = set()
        for i in self.relations_de.get(cellule, ()):
            r = self.table.relations[i]
            noms.update(c for c, _ in r.termes)
            for autre in self.table.equivalentes.get(r.id, ()):
                noms.update(c for c, _ in autre)
        for t, p in self.paires_de.get(cellule, ()):
            noms.update((t, p))
        return noms


def _evidemment_expose(vue: Table, voisinage: Voisinage, cellule: str, seuil: float) -> bool:
    """Exposures read without a solver once `cellule` is published: an equation naming it
    (in any of its ways of writing) whose only hidden cell is a protected one (recovered
    exactly), or a relation of published total whose protected hidden parts add up to less
    than the threshold (their sum is known). Most trials that fail, fail this way."""
    cellules = vue.cellules
    relations = voisinage.table.relations
    for i in voisinage.relations_de.get(cellule, ()):
        r = relations[i]
        for termes in (r.termes, *voisinage.table.equivalentes.get(r.id, ())):
            cachees = [c for c, _ in termes if cellules[c].cachee]
            if len(cachees) == 1 and cellules[cachees[0]].statut in PROTEGES:
                return True
        total = r.total()
        if total is None or cellules[total].cachee:
            continue
        parties = [cellules[p] for p in r.parties() if cellules[p].cachee]
        if len(parties) < 2 or any(p.statut not in PROTEGES for p in parties):
            continue
        somme = sum(p.valeur - p.propre for p in parties)
        plafond = min(sum(p.borne_haute for p in parties), cellules[total].borne_haute)
        propre = sum(p.propre for p in parties)
        if somme + propre < min(propre + seuil, plafond) - 1e-6:
            return True
    return False


def _piece(
    vue: Table, voisinage: Voisinage, graines: set[str], seuil: float
) -> tuple[list[str], list[Relation], list]:
    """The union of the independent groups of hidden cells of `vue` that contain a seed: its
    cells (hidden, and the published ones its relations and targets name), its relations as
    written, and its targets."""
    cellules = vue.cellules
    relations = voisinage.table.relations
    ecritures: dict[int, Relation] = {}
    cachees: set[str] = set()
    pile = sorted(c for c in graines if cellules[c].cachee)
    while True:
        while pile:
            c = pile.pop()
            if c in cachees:
                continue
            cachees.add(c)
            for i in voisinage.relations_de.get(c, ()):
                if i not in ecritures:
                    ecritures[i] = _ecriture(vue, relations[i])
                termes = ecritures[i].termes
                if any(x == c for x, _ in termes):
                    pile.extend(x for x, _ in termes if cellules[x].cachee and x not in cachees)
            for t, p in voisinage.paires_de.get(c, ()):
                if cellules[p].cachee:  # a small complement links the part and its total
                    pile.extend(x for x in (t, p) if cellules[x].cachee and x not in cachees)
        touchees = sorted({i for c in cachees for i in voisinage.relations_de.get(c, ())})
        liste = cibles(vue, sorted(cachees), [relations[i] for i in touchees], seuil)
        pile = sorted(
            {c for t in liste for c, _ in t.termes if cellules[c].cachee and c not in cachees}
        )
        if not pile:
            break
    liees = [
        ecritures[i]
        for i in sorted(ecritures)
        if any(cellules[x].cachee and x in cachees for x, _ in ecritures[i].termes)
    ]
    noms = set(cachees)
    for r in liees:
        noms.update(c for c, _ in r.termes)
    for t in liste:
        noms.update(c for c, _ in t.termes)
    return sorted(noms), liees, liste


def _prouvees(liste: list, noms: list[str], tables: np.ndarray) -> list[bool]:
    """Which targets the tables prove (the true table counts: it is feasible)."""
    if not len(tables):
        return [False] * len(liste)
    local = {c: i for i, c in enumerate(noms)}
    resultat = []
    for t in liste:
        valeurs = tables[:, [local[c] for c, _ in t.termes]] @ np.array([k for _, k in t.termes])
        haut, bas = max(valeurs.max(), t.valeur), min(valeurs.min(), t.valeur)
        resultat.append(prouvee_par(t, float(bas), float(haut)))
    return resultat


class _HorsBudget(Exception):
    """A reader's check of a trial would cost more than its cap (`expose`'s `plafond`)."""


class _ModeleBorne(ModeleComposante):
    """A trial's model that refuses a program past `plafond` tables found (a trial's budget,
    in this piece's programs): the trial then stops, and its cell stays hidden."""

    def __init__(self, table: Table, cellules: list[str], relations, plafond: float):
        super().__init__(table, cellules, relations)
        self.plafond = plafond
        self.tables = []

    def point_extreme(self, indices, couts, sens):
        if len(self.tables) >= self.plafond:
            raise _HorsBudget
        return super().point_extreme(indices, couts, sens)


def expose(
    vue: Table,
    voisinage: Voisinage,
    graines: set[str],
    seuil: float,
    reserve: Reserve | None = None,
    programmes: list[int] | None = None,
    plafond: float = math.inf,
) -> bool:
    """Whether a target of the groups around the seeds is exposed to this reader. For a landlord
    a target beyond what is public counts as exposed too (the audit would lower it: this pass
    only errs on the safe side). `reserve`: this reader's tables of earlier trials, tried first
    as witnesses; the tables this trial's programs find are added to it. `programmes`: a
    one-item counter of the programs solved, increased (each by its piece's slices of
    `CELLULES_PAR_PROGRAMME` cells). `plafond`: what this reader's trial may cost, counted the
    same way; past it the trial stops and counts as exposed (the cell stays hidden): on the
    largest components one trial alone would otherwise cost many times the whole budget."""
    noms, liees, liste = _piece(vue, voisinage, graines, seuil)
    if not liste:
        return False
    if reserve is not None:
        deja = _prouvees(liste, noms, reserve.valables(vue, noms, liees))
        liste = [t for t, ok in zip(liste, deja, strict=True) if not ok]
        if not liste:
            return False
    tranches = math.ceil(len(noms) / CELLULES_PAR_PROGRAMME)
    modele = _ModeleBorne(vue, noms, liees, plafond / tranches)
    try:
        exposee = any(r.motif is not None for r in _auditer_par_temoins(modele, liste, math.inf))
    except _HorsBudget:
        exposee = True
    if reserve is not None:
        for x in modele.tables:
            reserve.ajouter(noms, x)
    if programmes is not None:
        programmes[0] += len(modele.tables) * tranches
    return exposee


def republier(
    table: Table, seuil: float, lecteurs=None, programmes_max: int | None = None
) -> list[str]:
    """Publish again, one by one, each secondary of the component table whose publication keeps
    every reader's targets safe: the highest rank first, then the highest cost. `lecteurs`:
    the readers (`lecteurs.Lecteurs` restricted to this component), None for the outsider
    alone. `programmes_max`: the budget of linear programs, counted by slices of
    `CELLULES_PAR_PROGRAMME` cells (default: `budget()`): trials start while it is not spent,
    and one reader's check of a trial never costs more than the whole budget (past it the cell
    stays hidden). Changes the statuses in place; returns the cells published again."""
    programmes_max = budget() if programmes_max is None else programmes_max
    if programmes_max <= 0:
        return []
    voisinage = Voisinage(table)
    noms = lecteurs.noms() if lecteurs is not None else [None]
    ordre = sorted(
        (c for c, x in table.cellules.items() if x.statut == "secondaire"),
        key=lambda c: (-table.cellules[c].rang, -table.cellules[c].cout_masquage, c),
    )
    # each reader's view built once; a trial changes the cell's status in the views too
    vues = [table if nom is None else lecteurs.vue(table, nom) for nom in noms]
    reserves = [Reserve(table) for _ in vues]
    republiees = []
    programmes = [0]
    for c in ordre:
        if programmes[0] >= programmes_max:
            break
        graines = voisinage.graines(c)
        changees = [
            (v, r) for v, r in zip(vues, reserves, strict=True) if v.cellules[c].statut != "force"
        ]
        for v, _ in changees:
            v.cellules[c].statut = "publie"
        if any(_evidemment_expose(v, voisinage, c, seuil) for v, _ in changees) or any(
            expose(v, voisinage, graines, seuil, r, programmes, programmes_max) for v, r in changees
        ):
            for v, _ in changees:
                v.cellules[c].statut = "secondaire"
        else:
            republiees.append(c)
    return republiees
