"""The attacker's audit: from the published values and public bounds only, the range of every
hidden cell, of every sum of hidden parts of a relation and of every small complement, by linear
programming over all relations of the release at once (one HiGHS model per component, re-solved
with a new objective for each target).

This module never decides what to hide: it only measures what an attacker can infer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from .modele import Table
from .solveur import nouveau_solveur

TOLERANCE = 1e-6


@dataclass
class Cible:
    """What the attacker tries to narrow: a hidden cell, a sum of hidden parts, a complement."""

    id: str
    termes: list[tuple[str, float]]  # linear combination of cells
    valeur: float  # true value
    exigence_basse: float | None = None  # min must be <= this
    exigence_haute: float | None = None  # max must be >= this
    exacte_interdite: bool = True
    nature: str = "cellule"  # cellule | somme | complement


@dataclass
class Resultat:
    cible: Cible
    minimum: float
    maximum: float

    @property
    def motif(self) -> str | None:
        """Why the release fails on this target (None when it is safe)."""
        c = self.cible
        if c.exacte_interdite and self.maximum - self.minimum < TOLERANCE * max(1.0, abs(c.valeur)):
            return "exact"
        if c.exigence_haute is not None and self.maximum < c.exigence_haute - TOLERANCE:
            return {"somme": "somme_petite", "complement": "complement_petit"}.get(
                c.nature, "petit"
            )
        if c.exigence_basse is not None and self.minimum > c.exigence_basse + TOLERANCE:
            return "exigence_basse"
        return None


def cibles(table: Table, cellules: list[str], relations, seuil: float) -> list[Cible]:
    """Every target the audit must check in one component."""
    resultat = []
    protegees = [c for c in cellules if table.cellules[c].statut in ("primaire", "secondaire")]
    for c in protegees:
        cellule = table.cellules[c]
        haute = cellule.exigence_haute
        if seuil > 0 and cellule.valeur < seuil:
            haute = max(haute or -math.inf, seuil)
        resultat.append(Cible(c, [(c, 1.0)], cellule.valeur, cellule.exigence_basse, haute))
    if seuil <= 0:
        return resultat
    for r in relations:
        total = r.total()
        if total is None:
            continue
        cachees = [p for p in r.parties() if table.cellules[p].statut in ("primaire", "secondaire")]
        somme = sum(table.cellules[p].valeur for p in cachees)
        if len(cachees) >= 2 and somme < seuil:
            resultat.append(
                Cible(
                    f"somme:{r.id}",
                    [(p, 1.0) for p in cachees],
                    somme,
                    None,
                    seuil,
                    exacte_interdite=False,
                    nature="somme",
                )
            )
        valeur_totale = table.cellules[total].valeur
        for p in cachees:
            complement = valeur_totale - table.cellules[p].valeur
            if complement < seuil:
                resultat.append(
                    Cible(
                        f"complement:{r.id}:{p}",
                        [(total, 1.0), (p, -1.0)],
                        complement,
                        None,
                        seuil,
                        exacte_interdite=False,
                        nature="complement",
                    )
                )
    return resultat


class ModeleComposante:
    """One HiGHS model of a component: published cells fixed, hidden ones within public bounds."""

    def __init__(self, table: Table, cellules: list[str], relations):
        self.index = {c: i for i, c in enumerate(cellules)}
        self.h = nouveau_solveur()
        bas, haut = [], []
        for c in cellules:
            cellule = table.cellules[c]
            if cellule.cachee:
                bas.append(cellule.borne_basse)
                haut.append(
                    highspy.kHighsInf if math.isinf(cellule.borne_haute) else cellule.borne_haute
                )
            else:
                bas.append(cellule.valeur)
                haut.append(cellule.valeur)
        self.h.addVars(len(cellules), np.array(bas, dtype=float), np.array(haut, dtype=float))
        for r in relations:
            indices = np.array([self.index[c] for c, _ in r.termes], dtype=np.int32)
            coefficients = np.array([k for _, k in r.termes], dtype=float)
            self.h.addRow(0.0, 0.0, len(indices), indices, coefficients)
        self.couts_actifs: list[int] = []

    def extremes(self, termes: list[tuple[str, float]]) -> tuple[float, float]:
        n = len(self.index)
        if self.couts_actifs:
            self.h.changeColsCost(
                len(self.couts_actifs),
                np.array(self.couts_actifs, dtype=np.int32),
                np.zeros(len(self.couts_actifs)),
            )
        indices = [self.index[c] for c, _ in termes]
        self.h.changeColsCost(
            len(indices),
            np.array(indices, dtype=np.int32),
            np.array([k for _, k in termes], dtype=float),
        )
        self.couts_actifs = indices
        valeurs = []
        for sens in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.h.changeObjectiveSense(sens)
            self.h.run()
            statut = self.h.getModelStatus()
            if statut == highspy.HighsModelStatus.kOptimal:
                valeurs.append(self.h.getInfo().objective_function_value)
            elif statut == highspy.HighsModelStatus.kUnbounded:
                valeurs.append(-math.inf if sens == highspy.ObjSense.kMinimize else math.inf)
            else:
                raise RuntimeError(
                    f"audit : modèle {statut} pour {n} cellules (relations incohérentes ?)"
                )
        return valeurs[0], valeurs[1]


def auditer(table: Table, seuil: float = 11) -> list[Resultat]:
    """Range of every target of the release, component by component."""
    resultats = []
    for cellules, relations in table.composantes():
        if not any(table.cellules[c].cachee for c in cellules):
            continue
        liste = cibles(table, cellules, relations, seuil)
        if not liste:
            continue
        modele = ModeleComposante(table, cellules, relations)
        for cible in liste:
            minimum, maximum = modele.extremes(cible.termes)
            resultats.append(Resultat(cible, minimum, maximum))
    return resultats


def echecs(resultats: list[Resultat]) -> list[Resultat]:
    return [r for r in resultats if r.motif is not None]


def ecrire_audit(resultats: list[Resultat], chemin) -> None:
    """`target,min,max,verdict` (verdict `ok` or the reason: exact, petit, somme_petite...)."""
    import csv

    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["target", "min", "max", "verdict"])
        for r in resultats:
            w.writerow([r.cible.id, _arrondi(r.minimum), _arrondi(r.maximum), r.motif or "ok"])


def _arrondi(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"
