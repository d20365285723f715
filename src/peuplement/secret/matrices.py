"""The relations of a component as arrays, and the HiGHS models built from them.

A component's relations become flat arrays (the row of each term, its cell, its coefficient),
so that a model's rows go to HiGHS in one call (`ajouter_lignes`) instead of one `addRow` per
relation: the same rows in the same order, so the same programs and the same solutions. Both
the protector's models of the alternative tables (`modele_deplacements`) and the audit's
models (`audit.ModeleComposante`) are built this way.

May import: `solveur`; nothing of the warehouse (`audit` and `protection` use it).
"""

from __future__ import annotations

import highspy
import numpy as np

from .solveur import nouveau_solveur, resoudre


class Matrice:
    """The relations of one component (or piece): each relation a row `Σ k × cell = 0`."""

    def __init__(self, cellules: list[str], relations):
        self.index = {c: i for i, c in enumerate(cellules)}
        self.n = len(cellules)
        self.nb_lignes = len(relations)
        longueurs = [len(r.termes) for r in relations]
        self.lignes = np.repeat(np.arange(len(relations), dtype=np.int64), longueurs)
        self.colonnes = np.array(
            [self.index[c] for r in relations for c, _ in r.termes], dtype=np.int64
        )
        self.coefficients = np.array([k for r in relations for _, k in r.termes], dtype=float)


def ajouter_lignes(h: highspy.Highs, lignes, colonnes, coefficients, nb: int) -> None:
    """Rows `Σ coefficient × column = 0`, terms given with their row (sorted by row, stably:
    within a row, in the order given)."""
    if nb == 0:
        return
    ordre = np.argsort(lignes, kind="stable")
    debuts = np.concatenate([[0], np.cumsum(np.bincount(lignes, minlength=nb))[:-1]])
    h.addRows(
        nb,
        np.zeros(nb),
        np.zeros(nb),
        len(ordre),
        debuts.astype(np.int32),
        colonnes[ordre].astype(np.int32),
        coefficients[ordre].astype(float),
    )


def modele_deplacements(
    matrice: Matrice, haut: np.ndarray, bas: np.ndarray, couts: np.ndarray
) -> highspy.Highs:
    """The protector's model of the alternative tables: each cell moves up (at most `haut`,
    column i) and down (at most `bas`, column n + i) at `couts` per unit, every relation kept."""
    n = matrice.n
    h = nouveau_solveur()
    h.addVars(2 * n, np.zeros(2 * n), np.concatenate([haut, bas]))
    h.changeColsCost(2 * n, np.arange(2 * n, dtype=np.int32), np.tile(couts, 2))
    ajouter_lignes(
        h,
        np.concatenate([matrice.lignes, matrice.lignes]),
        np.concatenate([matrice.colonnes, matrice.colonnes + n]),
        np.concatenate([matrice.coefficients, -matrice.coefficients]),
        matrice.nb_lignes,
    )
    return h


def deplacer(
    h: highspy.Highs, n: int, termes: list[tuple[int, float]], essais: list[tuple[float, float]]
) -> np.ndarray | None:
    """The cheapest moves of a `modele_deplacements` model (up columns, then down columns)
    that bring the target (`termes`: cell, coefficient) within one of `essais`, tried in turn;
    None when none fits. The model is left as it was."""
    cols = [c for c, _ in termes]
    k = [coef for _, coef in termes]
    colonnes = np.array(cols + [n + i for i in cols], dtype=np.int32)
    valeurs = np.array(k + [-x for x in k], dtype=float)
    for bas_requis, haut_requis in essais:
        h.addRow(bas_requis, haut_requis, len(colonnes), colonnes, valeurs)
        resoudre(h)
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        x = np.asarray(h.getSolution().col_value) if optimal else None
        h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
        if x is not None:
            return x
    return None
