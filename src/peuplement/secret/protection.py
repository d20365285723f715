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
from .audit import Resultat, auditer, echecs
from .modele import Table
from .solveur import nouveau_solveur

SEUIL_CHANGEMENT = 1e-7


class ErreurProtection(ErreurPeuplement):
    """No set of complements can protect a cell (a rule that no table could satisfy)."""


def _cout(cellule) -> float:
    return cellule.cout if cellule.cout is not None else max(cellule.valeur, 1.0)


def complements(table: Table, cellules: list[str], relations, resultat: Resultat) -> list[str]:
    """Published cells that must be hidden so that the target can move as required."""
    index = {c: i for i, c in enumerate(cellules)}
    n = len(cellules)
    h = nouveau_solveur()
    bas = np.zeros(2 * n)
    haut = np.zeros(2 * n)
    couts = np.zeros(2 * n)
    for c, i in index.items():
        cellule = table.cellules[c]
        mobile = cellule.cachee or (cellule.statut == "publie" and cellule.valeur > 0)
        if not mobile:
            continue  # a zero, or a cell forced to stay published, never moves
        hausse = cellule.borne_haute - cellule.valeur
        haut[i] = highspy.kHighsInf if math.isinf(hausse) else max(hausse, 0.0)
        haut[n + i] = max(cellule.valeur - cellule.borne_basse, 0.0)
        if not cellule.cachee:
            couts[i] = couts[n + i] = _cout(cellule)
    h.addVars(2 * n, bas, haut)
    h.changeColsCost(2 * n, np.arange(2 * n, dtype=np.int32), couts)
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


def proteger(table: Table, seuil: float = 11, tours_max: int = 100, elaguer: bool = True) -> Table:
    """A copy of the table where secondary cells are hidden until the audit passes; then each
    secondary whose publication would keep the audit passing is published again (most costly
    first), so that every remaining secondary is needed."""
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
            for c in complements(resultat, cellules, relations, echec):
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
