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
from .audit import (
    Cible,
    ModeleComposante,
    Resultat,
    au_plus_public,
    auditer,
    blocs,
    cibles,
    echecs,
    temoins,
)
from .modele import Relation, Table
from .parallele import executer
from .republication import republier
from .solveur import nouveau_solveur

SEUIL_CHANGEMENT = 1e-7
# the elastic program's interior point iterations: it converges in a few dozen on most
# components, but can stall for many minutes (even on a small degenerate one); past this (a
# deterministic limit, not a time) the targets go one program each instead
# (on the 5,000-dwelling demo: 17-30 iterations, and one small program that ran for more than
# 24 CPU minutes without the limit)
ITERATIONS_ELASTIQUE = 200


class ErreurProtection(ErreurPeuplement):
    """No set of complements can protect a cell (a rule that no table could satisfy)."""


# ranks frozen in turn: first only cells of rank 0 may become complements, then up to rank 1,
# then any (see `Cellule.rang`)
GELS = (1, 2, None)


def _perturbations(
    table: Table, index: dict[str, int], relations, supplementaires: int, gel: int | None = None
):
    """A HiGHS model of the alternative tables: for each cell an upward and a downward move
    (columns i and n + i) within its public bounds, the relations kept, a published cell's move
    costing its hiding cost; zeros, forced cells and published cells of rank `gel` or more never
    move. `supplementaires` more columns (elastic slacks, unbounded) cost more than moving every
    published cell."""
    n = len(index)
    h = nouveau_solveur()
    bas = np.zeros(2 * n + supplementaires)
    haut = np.zeros(2 * n + supplementaires)
    couts = np.zeros(2 * n + supplementaires)
    for c, i in index.items():
        cellule = table.cellules[c]
        if not (cellule.cachee or (cellule.statut == "publie" and cellule.valeur > 0)):
            continue
        if not cellule.cachee and gel is not None and cellule.rang >= gel:
            continue
        hausse = cellule.borne_haute - cellule.valeur
        haut[i] = highspy.kHighsInf if math.isinf(hausse) else max(hausse, 0.0)
        haut[n + i] = max(cellule.valeur - cellule.borne_basse, 0.0)
        if not cellule.cachee:
            couts[i] = couts[n + i] = cellule.cout_masquage
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


def complements(
    table: Table, cellules: list[str], relations, resultat: Resultat, modeles=None
) -> list[str]:
    """Published cells that must be hidden so that the target can move as required: cells of
    rank 0 only if they suffice, then up to rank 1, then any (`GELS`). `modeles`: a dict where
    the perturbation models of this component are kept, to reuse them for several targets (the
    requirement row is removed before returning)."""
    index = {c: i for i, c in enumerate(cellules)}
    n = len(cellules)
    modeles = {} if modeles is None else modeles
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
    for gel in GELS:
        if gel not in modeles:
            modeles[gel] = _perturbations(table, index, relations, 0, gel)
        h = modeles[gel]
        for bas_requis, haut_requis in essais:
            h.addRow(bas_requis, haut_requis, len(colonnes), colonnes, valeurs)
            h.run()
            optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            x = h.getSolution().col_value if optimal else None
            h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
            if optimal:
                return [
                    c
                    for c, i in index.items()
                    if not table.cellules[c].cachee and x[i] + x[n + i] > SEUIL_CHANGEMENT
                ]
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
                choisie = min(candidates, key=lambda c: (c.rang, c.cout_masquage, c.id))
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
    """Publish again every secondary cell that the release does not need (most costly first).
    Publishing a cell changes only the piece of its component it belongs to (`audit.blocs`):
    only that piece is audited again, its relations as written in the table (a table of the
    file interface: no `Table.equivalentes`, whose targets would differ)."""
    if table.equivalentes:
        raise ValueError("elaguer_secondaires : table sans écritures équivalentes attendue")
    composante_de = {}
    for cellules, relations in table.composantes():
        for c in cellules:
            composante_de[c] = relations
    secondaires = sorted(
        (c for c in table.cellules.values() if c.statut == "secondaire"),
        key=lambda c: (-c.cout_masquage, c.id),
    )
    for cellule in secondaires:
        seule = Cible(cellule.id, [(cellule.id, 1.0)], cellule.valeur)
        (bloc,) = blocs(table, composante_de[cellule.id], [seule])
        morceau = table.sous_table(bloc.cellules, bloc.relations)  # cells shared
        cellule.statut = "publie"
        if echecs(auditer(morceau, seuil, exhaustif=False)):  # the verdicts of the exact audit
            cellule.statut = "secondaire"
    return table


def complements_groupes(
    table: Table, cellules: list[str], relations, liste: list[Cible], gel: int | None = GELS[0]
) -> tuple[list[str], list[Cible]]:
    """One program for many exposed targets of a component: the cheapest single alternative
    table that moves every target as the rule requires, each target allowed to fall short at a
    very high price (elastic), moving no published cell of rank `gel` or more. Returns the
    published cells that table moves (to hide) and the targets it fully protects (that table
    is their witness once those cells are hidden)."""
    index = {c: i for i, c in enumerate(cellules)}
    n, m = len(cellules), len(liste)
    h = _perturbations(table, index, relations, m, gel)
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
    # the elastic program is large and degenerate: the interior point method (with crossover,
    # deterministic) solves it many times faster than the simplex in a landlord's view
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("ipm_iteration_limit", ITERATIONS_ELASTIQUE)
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


def _un_tour(vue: Table, resultat: Table, seuil: float, prouvees: set[str]) -> int:
    """One round of the release protector for one reader's view: in each component, witnesses
    prove what they can, one elastic program protects the rest at once; the published cells it
    moves are hidden in `resultat` (and in the view). Returns the number of targets still open."""
    ouvertes_total = 0
    for cellules, relations in vue.composantes():
        if not any(vue.cellules[c].cachee for c in cellules):
            continue
        liste = [t for t in cibles(vue, cellules, relations, seuil) if t.id not in prouvees]
        if not liste:
            continue
        _, _, ouvertes, _ = temoins(ModeleComposante(vue, cellules, relations), liste)
        prouvees.update(t.id for t, o in zip(liste, ouvertes, strict=True) if not o)
        restantes = [t for t, o in zip(liste, ouvertes, strict=True) if o]
        if not restantes:
            continue
        ouvertes_total += len(restantes)
        a_masquer: list[str] = []
        # cells of rank 0 first, then up to rank 1; the highest ranks only target by target
        # (one table for many targets may need them where each target alone does not)
        for gel in GELS[:-1]:
            encore = [t for t in restantes if t.id not in prouvees]
            if not encore:
                break
            nouvelles, protegees = complements_groupes(vue, cellules, relations, encore, gel)
            _masquer(nouvelles, vue, resultat)
            a_masquer += nouvelles
            prouvees.update(t.id for t in protegees)
        if not a_masquer:  # the elastic program gave up on some: one program each
            seules = [t for t in restantes if t.id not in prouvees]
            ouvertes = [True] * len(seules)
            if vue.initie:  # lower what its own cells make public, then witnesses again
                au_plus_public(vue, cellules, relations, seules)
                _, _, ouvertes, _ = temoins(ModeleComposante(vue, cellules, relations), seules)
                prouvees.update(t.id for t, o in zip(seules, ouvertes, strict=True) if not o)
            perturbations: dict = {}
            for t, ouverte in zip(seules, ouvertes, strict=True):
                if ouverte:
                    nouvelles = complements(vue, cellules, relations, _expose(t), perturbations)
                    if not nouvelles:  # movable as required without hiding anything
                        prouvees.add(t.id)
                    a_masquer += nouvelles
        _masquer(a_masquer, vue, resultat)
    return ouvertes_total


def _masquer(cellules: list[str], *tables: Table) -> None:
    for table in tables:
        for c in cellules:
            table.cellules[c].statut = "secondaire"


def proteger_publication(
    table: Table,
    seuil: float,
    guides: list[Relation],
    lecteurs=None,
    tours_max: int = 100,
    processus: int | None = None,
) -> Table:
    """Secondary suppression for a large release: the greedy pass on zone-level sums, then
    rounds where, for each reader (the outsider, then each landlord when `lecteurs` is given,
    see `lecteurs.Lecteurs`), each component's exposed targets are protected. A target once
    proven for a reader stays proven: hiding more cells only widens what an attacker must
    consider. The components share no cell and no relation, so each one goes through its own
    rounds, in a pool of `processus` processes (see `parallele`): the same pattern whatever
    their number. The final verdict belongs to the audit (`auditer`), run separately."""
    resultat = table.copie()
    masquer_par_relations(resultat, guides, seuil)
    taches, poids = [], []
    for cellules, relations in resultat.composantes():
        if not any(resultat.cellules[c].cachee for c in cellules):
            continue
        restreints = lecteurs.restreints(cellules) if lecteurs is not None else None
        taches.append((resultat.sous_table(cellules, relations), seuil, restreints, tours_max))
        poids.append(len(cellules))
    for masquees, republiees in executer(proteger_composante, taches, poids, processus):
        _masquer(masquees, resultat)
        for c in republiees:
            resultat.cellules[c].statut = "publie"
    return resultat


def proteger_composante(
    table: Table, seuil: float, lecteurs, tours_max: int
) -> tuple[list[str], list[str]]:
    """The rounds of `proteger_publication` on one component (a table of its own), then the
    final pass that publishes again the secondaries no reader's audit needs (`republication`):
    the cells hidden as secondaries and the cells published again (secondaries of the greedy
    pass), both sorted."""
    noms = lecteurs.noms() if lecteurs is not None else [None]
    prouvees: dict[str | None, set[str]] = {nom: set() for nom in noms}
    avant = {c for c, cellule in table.cellules.items() if cellule.cachee}
    for _ in range(tours_max):
        ouvertes_total = 0
        for nom in noms:
            vue = table if nom is None else lecteurs.vue(table, nom)
            ouvertes_total += _un_tour(vue, table, seuil, prouvees[nom])
        if ouvertes_total == 0:
            republiees = set(republier(table, seuil, lecteurs))
            return (
                sorted(
                    c for c, cellule in table.cellules.items() if cellule.cachee and c not in avant
                ),
                sorted(republiees & avant),
            )
    raise ErreurProtection(f"pas de masquage sûr après {tours_max} tours")
