"""Secondary suppression: hide the fewest, cheapest published cells until the audit passes.

For each target the audit finds unsafe, a linear program looks for the cheapest alternative
table (a perturbation respecting every relation and public bound) that moves the target as far
as the rule requires while changing only hidden cells and as little published value as possible:
the published cells it has to move are the complements to hide. Then the release is audited
again, all relations at once, until it passes. Deterministic: same input, same pattern.
"""

from __future__ import annotations

import math

import highspy
import numpy as np

from ..erreurs import ErreurPeuplement
from .audit import Cible, ModeleComposante, Resultat, auditer, cibles, echecs, temoins
from .modele import Relation, Table
from .solveur import nouveau_solveur

SEUIL_CHANGEMENT = 1e-7


class ErreurProtection(ErreurPeuplement):
    """No set of complements can protect a cell (a rule that no table could satisfy)."""


def _cout(cellule) -> float:
    return cellule.cout if cellule.cout is not None else max(cellule.valeur, 1.0)


def _perturbations(table: Table, index: dict[str, int], relations, supplementaires: int):
    """A HiGHS model of the alternative tables: for each cell an upward and a downward move
    (columns i and n + i) within its public bounds, the relations kept, a published cell's move
    costing its hiding cost; zeros and forced cells never move. `supplementaires` more columns
    (elastic slacks, unbounded) cost more than moving every published cell."""
    n = len(index)
    h = nouveau_solveur()
    bas = np.zeros(2 * n + supplementaires)
    haut = np.zeros(2 * n + supplementaires)
    couts = np.zeros(2 * n + supplementaires)
    for c, i in index.items():
        cellule = table.cellules[c]
        if not (cellule.cachee or (cellule.statut == "publie" and cellule.valeur > 0)):
            continue
        hausse = cellule.borne_haute - cellule.valeur
        haut[i] = highspy.kHighsInf if math.isinf(hausse) else max(hausse, 0.0)
        haut[n + i] = max(cellule.valeur - cellule.borne_basse, 0.0)
        if not cellule.cachee:
            couts[i] = couts[n + i] = _cout(cellule)
    haut[2 * n :] = highspy.kHighsInf
    couts[2 * n :] = 1000.0 * max(1.0, couts[: 2 * n].max(initial=1.0))
    h.addVars(len(bas), bas, haut)
    h.changeColsCost(len(bas), np.arange(len(bas), dtype=np.int32), couts)
    for r in relations:
        idx = [index[c] for c, _ in r.termes]
        k = [coef for _, coef in r.termes]
        h.addRow(
            0.0,
            0.0,
            2 * len(idx),
            np.array(idx + [n + i for i in idx], dtype=np.int32),
            np.array(k + [-x for x in k], dtype=float),
        )
    return h


def complements(table: Table, cellules: list[str], relations, resultat: Resultat) -> list[str]:
    """Published cells that must be hidden so that the target can move as required."""
    index = {c: i for i, c in enumerate(cellules)}
    n = len(cellules)
    h = _perturbations(table, index, relations, 0)
    cible = resultat.cible
    idx = [index[c] for c, _ in cible.termes]
    k = [coef for _, coef in cible.termes]
    colonnes = np.array(idx + [n + i for i in idx], dtype=np.int32)
    valeurs = np.array(k + [-x for x in k], dtype=float)
    motif = resultat.motif
    if motif == "exigence_basse":
        essais = [(-highspy.kHighsInf, cible.exigence_basse - cible.valeur)]
    elif motif == "exact":
        essais = [(1.0, highspy.kHighsInf), (-highspy.kHighsInf, -1.0)]
    else:
        essais = [(cible.exigence_haute - cible.valeur, highspy.kHighsInf)]
    for bas_requis, haut_requis in essais:
        h.addRow(bas_requis, haut_requis, len(colonnes), colonnes, valeurs)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            x = h.getSolution().col_value
            return [
                c
                for c, i in index.items()
                if not table.cellules[c].cachee and x[i] + x[n + i] > SEUIL_CHANGEMENT
            ]
        h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
    raise ErreurProtection(
        f"impossible de protéger « {cible.id} » ({motif}) : aucune table compatible avec les relations "
        "et les bornes publiques ne l'éloigne assez de sa valeur"
    )


def masquer_par_relations(table: Table, guides: list[Relation], seuil: float) -> int:
    """Greedy first pass (cheap, no solver): in every sum whose total is published, a single
    hidden part, or hidden parts adding up to less than the threshold, are recovered or pinned
    by subtraction; hide the cheapest published part (smallest, then finest level) until neither
    holds. A hidden total whose parts are all published is hidden with one of them. Returns the
    number of cells hidden. The audit then checks the whole release."""
    cellules = table.cellules
    ajoutees = 0
    change = True
    while change:
        change = False
        for r in guides:
            total = r.total()
            parties = r.parties()
            cachees = [p for p in parties if cellules[p].cachee]
            if cellules[total].cachee:
                besoin = not cachees
            else:
                somme = sum(cellules[p].valeur for p in cachees)
                besoin = bool(cachees) and (len(cachees) == 1 or somme < seuil)
            if not besoin:
                continue
            candidates = [
                cellules[p]
                for p in parties
                if cellules[p].statut == "publie" and cellules[p].valeur > 0
            ]
            if not candidates and cellules[total].statut == "publie" and cellules[total].valeur > 0:
                candidates = [cellules[total]]
            if candidates:
                choisie = min(candidates, key=lambda c: (_cout(c), c.id))
                choisie.statut = "secondaire"
                ajoutees += 1
                change = True
    return ajoutees


def proteger(table: Table, seuil: float = 11, tours_max: int = 100, elaguer: bool = True) -> Table:
    """A copy of the table where secondary cells are hidden until the audit passes; then each
    secondary whose publication would keep the audit passing is published again (most costly
    first), so that every remaining secondary is needed. For reference-size tables (the file
    interface); a whole release goes through `proteger_publication`."""
    resultat = table.copie()
    for _ in range(tours_max):
        a_corriger = echecs(auditer(resultat, seuil))
        if not a_corriger:
            return elaguer_secondaires(resultat, seuil) if elaguer else resultat
        composante = {}
        for cellules, relations in resultat.composantes():
            for c in cellules:
                composante[c] = (cellules, relations)
        ajoutees = 0
        for echec in sorted(a_corriger, key=lambda r: r.cible.id):
            cellules, relations = composante[echec.cible.termes[0][0]]
            nouvelles = complements(resultat, cellules, relations, echec)
            for c in nouvelles:
                resultat.cellules[c].statut = "secondaire"
                ajoutees += 1
        if ajoutees == 0:
            motifs = ", ".join(f"{r.cible.id} ({r.motif})" for r in a_corriger[:5])
            raise ErreurProtection(
                f"le masquage ne progresse plus ; cibles encore exposées : {motifs}"
            )
    raise ErreurProtection(f"pas de masquage sûr après {tours_max} tours")


def elaguer_secondaires(table: Table, seuil: float) -> Table:
    """Publish again every secondary cell that the release does not need."""
    sous_tables = {}
    for cellules, relations in table.composantes():
        sous_table = Table({c: table.cellules[c] for c in cellules}, relations)  # shared cells
        for c in cellules:
            sous_tables[c] = sous_table
    secondaires = sorted(
        (c for c in table.cellules.values() if c.statut == "secondaire"),
        key=lambda c: (-_cout(c), c.id),
    )
    for cellule in secondaires:
        cellule.statut = "publie"
        if echecs(auditer(sous_tables[cellule.id], seuil)):
            cellule.statut = "secondaire"
    return table


def complements_groupes(
    table: Table, cellules: list[str], relations, liste: list[Cible]
) -> tuple[list[str], list[Cible]]:
    """One program for many exposed targets of a component: the cheapest single alternative
    table that moves every target as the rule requires, each target allowed to fall short at a
    very high price (elastic). Returns the published cells that table moves (to hide) and the
    targets it fully protects (that table is their witness once those cells are hidden)."""
    index = {c: i for i, c in enumerate(cellules)}
    n, m = len(cellules), len(liste)
    h = _perturbations(table, index, relations, m)
    for j, cible in enumerate(liste):
        idx = [index[c] for c, _ in cible.termes]
        k = [coef for _, coef in cible.termes]
        colonnes = np.array(idx + [n + i for i in idx] + [2 * n + j], dtype=np.int32)
        if cible.exigence_basse is not None and cible.valeur > cible.exigence_basse:
            valeurs = np.array(k + [-x for x in k] + [-1.0], dtype=float)
            h.addRow(
                -highspy.kHighsInf,
                cible.exigence_basse - cible.valeur,
                len(colonnes),
                colonnes,
                valeurs,
            )
        else:
            requis = 1.0
            if cible.exigence_haute is not None:
                requis = max(
                    cible.exigence_haute - cible.valeur, 1.0 if cible.exacte_interdite else 0.0
                )
            valeurs = np.array(k + [-x for x in k] + [1.0], dtype=float)
            h.addRow(requis, highspy.kHighsInf, len(colonnes), colonnes, valeurs)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return [], []
    x = np.asarray(h.getSolution().col_value)
    a_masquer = [
        c
        for c, i in index.items()
        if not table.cellules[c].cachee and x[i] + x[n + i] > SEUIL_CHANGEMENT
    ]
    protegees = [cible for j, cible in enumerate(liste) if x[2 * n + j] <= SEUIL_CHANGEMENT]
    return a_masquer, protegees


def _expose(cible: Cible) -> Resultat:
    """An audit result stating what the target still needs (the threshold when it has one)."""
    if cible.exigence_haute is not None and cible.valeur < cible.exigence_haute:
        return Resultat(cible, cible.valeur - 1.0, cible.valeur)
    return Resultat(cible, cible.valeur, cible.valeur)


def proteger_publication(
    table: Table, seuil: float, guides: list[Relation], tours_max: int = 100
) -> Table:
    """Secondary suppression for a large release: the greedy pass on zone-level sums, then
    rounds where, in each component, witnesses prove what they can and one elastic program
    protects the rest at once (`complements_groupes`). A target once proven stays proven: hiding
    more cells only widens what an attacker must consider. The final verdict belongs to the
    audit (`auditer`), run separately."""
    resultat = table.copie()
    masquer_par_relations(resultat, guides, seuil)
    prouvees: set[str] = set()
    for _ in range(tours_max):
        ouvertes_total = 0
        for cellules, relations in resultat.composantes():
            if not any(resultat.cellules[c].cachee for c in cellules):
                continue
            liste = [
                t for t in cibles(resultat, cellules, relations, seuil) if t.id not in prouvees
            ]
            if not liste:
                continue
            _, _, ouvertes, _ = temoins(ModeleComposante(resultat, cellules, relations), liste)
            prouvees.update(t.id for t, o in zip(liste, ouvertes, strict=True) if not o)
            restantes = [t for t, o in zip(liste, ouvertes, strict=True) if o]
            if not restantes:
                continue
            ouvertes_total += len(restantes)
            a_masquer, protegees = complements_groupes(resultat, cellules, relations, restantes)
            prouvees.update(t.id for t in protegees)
            if not a_masquer:  # the elastic program gave up on some: one program each
                for t in restantes:
                    if t.id not in prouvees:
                        nouvelles = complements(resultat, cellules, relations, _expose(t))
                        if not nouvelles:  # movable as required without hiding anything
                            prouvees.add(t.id)
                        a_masquer += nouvelles
            for c in a_masquer:
                resultat.cellules[c].statut = "secondaire"
        if ouvertes_total == 0:
            return resultat
    raise ErreurProtection(f"pas de masquage sûr après {tours_max} tours")
