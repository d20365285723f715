"""The attacker's audit: from the published values and public bounds only, the range of every
hidden cell, of every sum of hidden parts of a relation and of every small complement, by linear
programming over all relations of the release at once (one HiGHS model per component, re-solved
with a new objective for each target).

This module never decides what to hide: it only measures what an attacker can infer.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import highspy
import numpy as np

from .matrices import Matrice, ajouter_lignes
from .modele import Cellule, Relation, Table
from .solveur import nouveau_solveur, resoudre

TOLERANCE = 1e-6
PROTEGES = ("primaire", "secondaire")  # the hidden cells an audit protects (`nd` is not)
GAIN_MINIMAL = 0.1  # a program pushing a sum of targets must prove at least this share of them


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
    verifie: bool = True  # false: left unchecked once the release had failed often enough

    @property
    def motif(self) -> str | None:
        """Why the release fails on this target (None when it is safe)."""
        c = self.cible
        if not self.verifie:
            return "non_verifie"
        if c.exacte_interdite and self.maximum - self.minimum < TOLERANCE * max(1.0, abs(c.valeur)):
            return "exact"
        if c.exigence_haute is not None and self.maximum < c.exigence_haute - TOLERANCE:
            return {"somme": "somme_petite", "complement": "complement_petit"}.get(
                c.nature, "petit"
            )
        if c.exigence_basse is not None and self.minimum > c.exigence_basse + TOLERANCE:
            return "exigence_basse"
        return None


@dataclass
class Structure:
    """What `cibles` reads of a component's relations, which never change (only the statuses
    do): its population pairs (a relation's total and each part, then the `complements` pairs
    of its cells) and its sums (a relation's total and parts). Computed once per component by
    a caller that asks for its targets again and again (`protection.Memoire`)."""

    paires: list[tuple[str, str, str]]  # (name, total, part)
    sommes: list[tuple[str, str, tuple[str, ...]]]  # (relation id, total, parts)

    @classmethod
    def de(cls, table: Table, cellules: list[str], relations) -> Structure:
        paires = [
            (r.id, t, p)
            for r in relations
            if r.population and (t := r.total())
            for p in r.parties()
        ]
        paires += [(f"{t}-{p}", t, p) for c in cellules for t, p in table.complements_de(c)]
        sommes = [(r.id, t, tuple(r.parties())) for r in relations if (t := r.total()) is not None]
        return cls(paires, sommes)


def cibles(
    table: Table, cellules: list[str], relations, seuil: float, structure: Structure | None = None
) -> list[Cible]:
    """Every target the audit must check in one component. The threshold rules bear on what the
    reader does not know: a cell's value minus the reader's own part (`Cellule.propre`, 0 for an
    outsider) must not be provable below the threshold when it is below it. `structure`: the
    component's `Structure`, when the caller keeps it (else computed here)."""
    resultat = []
    etats = table.cellules
    protegees = [c for c in cellules if etats[c].statut in PROTEGES]
    for c in protegees:
        cellule = etats[c]
        haute = cellule.exigence_haute
        if seuil > 0 and cellule.valeur - cellule.propre < seuil:
            haute = max(haute or -math.inf, cellule.propre + seuil)
        if haute is not None:  # nothing can be shown above what is public
            haute = min(haute, cellule.borne_haute)
        # a cell its public bounds pin (a zone without occupied dwellings: 0 households) is
        # known exactly by everyone: its exact value is no disclosure
        epinglee = cellule.borne_haute - cellule.borne_basse < TOLERANCE
        resultat.append(
            Cible(
                c,
                [(c, 1.0)],
                cellule.valeur,
                cellule.exigence_basse,
                haute,
                exacte_interdite=not epinglee,
            )
        )
    if seuil <= 0:
        return resultat
    if structure is None:
        structure = Structure.de(table, cellules, relations)
    for nom, total, p in structure.paires:
        if etats[p].statut not in PROTEGES:
            continue
        t, part = etats[total], etats[p]
        propre = t.propre - part.propre
        complement = t.valeur - part.valeur
        if complement - propre < seuil:
            resultat.append(
                Cible(
                    f"complement:{nom}:{p}",
                    [(total, 1.0), (p, -1.0)],
                    complement,
                    None,
                    propre + min(seuil, t.borne_haute - t.propre),
                    exacte_interdite=False,
                    nature="complement",
                )
            )
    for ident, total, parties in structure.sommes:
        cachees = [p for p in parties if etats[p].statut in PROTEGES]
        if len(cachees) < 2:
            continue
        somme = sum(etats[p].valeur for p in cachees)
        propre = sum(etats[p].propre for p in cachees)
        if somme - propre < seuil:
            plafond = min(sum(etats[p].borne_haute for p in cachees), etats[total].borne_haute)
            resultat.append(
                Cible(
                    f"somme:{ident}",
                    [(p, 1.0) for p in cachees],
                    somme,
                    None,
                    min(propre + seuil, plafond),
                    exacte_interdite=False,
                    nature="somme",
                )
            )
    return resultat


@dataclass
class Bloc:
    """An independent piece of a component once its published cells are constants: its hidden
    cells (plus the published ones its relations and targets name, fixed), the relations that
    bind them and the indices of its targets in the component's list."""

    cellules: list[str]
    relations: list[Relation]
    cibles: list[int]


def _ecriture(table: Table, relation: Relation) -> Relation:
    """The way of writing a relation (itself or one of `Table.equivalentes`) with the fewest
    hidden cells: the first one in order among equals, so the choice is deterministic."""
    autres = table.equivalentes.get(relation.id)
    if not autres:
        return relation
    cellules = table.cellules

    def cachees(termes) -> int:
        return sum(cellules[c].cachee for c, _ in termes)

    meilleurs = min(autres, key=cachees)
    if cachees(meilleurs) < cachees(relation.termes):
        return Relation(relation.id, meilleurs, relation.population)
    return relation


def blocs(table: Table, relations: list[Relation], liste: list[Cible]) -> list[Bloc]:
    """Split a component into the independent pieces an attacker faces.

    With the published cells fixed at their values, an equation whose cells are all published
    holds between constants (the true table satisfies it) and constrains nothing, and the other
    equations bind only hidden cells: the attacker's feasible tables are the product of the
    feasible tables of the groups of hidden cells that equations (or a target) link. The range
    of a target over the whole component is therefore its range over its own group, exactly.
    Each relation is first written the way that names the fewest hidden cells (`_ecriture`:
    the same equations, fewer links)."""
    cellules = table.cellules
    parent: dict[str, str] = {}

    def racine(c: str) -> str:
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def lier(termes) -> str | None:
        premiere = None
        for c, _ in termes:
            if not cellules[c].cachee:
                continue
            r = racine(c)
            if premiere is None:
                premiere = r
            elif r != premiere:
                parent[max(r, premiere)] = min(r, premiere)
                premiere = min(r, premiere)
        return premiere

    ecrites = [_ecriture(table, r) for r in relations]
    liees = [r for r in ecrites if lier(r.termes) is not None]
    for cible in liste:
        lier(cible.termes)
    groupes: dict[str, Bloc] = {}
    noms: dict[str, set[str]] = {}

    def bloc_de(termes) -> Bloc:
        cle = racine(next(c for c, _ in termes if cellules[c].cachee))
        if cle not in groupes:
            groupes[cle], noms[cle] = Bloc([], [], []), set()
        noms[cle].update(c for c, _ in termes)
        return groupes[cle]

    paires = [[(t, 1.0), (p, -1.0)] for t, p in table.complements if cellules[p].cachee]
    for paire in paires:  # a small complement is a target of the part's piece
        lier(paire)
    for r in liees:
        bloc_de(r.termes).relations.append(r)
    for i, cible in enumerate(liste):
        bloc_de(cible.termes).cibles.append(i)
    for paire in paires:
        if racine(paire[1][0]) in groupes:
            bloc_de(paire)
    resultat = []
    for cle in sorted(groupes):
        bloc = groupes[cle]
        if bloc.cibles:
            bloc.cellules = sorted(noms[cle])
            resultat.append(bloc)
    return resultat


def _bornes(cellule: Cellule) -> tuple[float, float]:
    """A hidden cell's public bounds, as HiGHS reads them."""
    haut = cellule.borne_haute
    return cellule.borne_basse, highspy.kHighsInf if math.isinf(haut) else haut


class ModeleComposante:
    """One HiGHS model of a component: published cells fixed, hidden ones within public bounds."""

    def __init__(self, table: Table, cellules: list[str], relations):
        matrice = Matrice(cellules, relations)
        self.index = matrice.index
        self.h = nouveau_solveur()
        # solved again and again with a new objective only (or more cells freed), the previous
        # basis stays primal feasible: the primal simplex restarts from it (about a third of
        # the dual simplex's iterations in the demo's audit); the first program, with no basis
        # to restart from, goes to the dual simplex (half the time of the primal one on the
        # largest component of a 100,000-dwelling study). Neither the audit's verdicts nor the
        # protector's pattern depend on the optimal table found.
        self.premier = True  # no program solved yet
        self.cellules = cellules
        self.h.addVars(len(cellules), *self._bornes_de(table))
        ajouter_lignes(
            self.h, matrice.lignes, matrice.colonnes, matrice.coefficients, matrice.nb_lignes
        )
        self.couts_actifs: list[int] = []
        # when a list: every feasible table `point_extreme` finds is kept there (the protector's
        # last pass reuses them as witnesses of later trials)
        self.tables: list[np.ndarray] | None = None

    def _bornes_de(self, table: Table) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's bounds in `table`: a published one fixed, a hidden one public."""
        bornes = [
            _bornes(cellule) if cellule.cachee else (cellule.valeur, cellule.valeur)
            for cellule in (table.cellules[c] for c in self.cellules)
        ]
        return (
            np.array([b for b, _ in bornes], dtype=float),
            np.array([h for _, h in bornes], dtype=float),
        )

    def liberer(self, table: Table, cellules: list[str]) -> None:
        """Cells hidden since the model was built: free within their public bounds."""
        if not cellules:
            return
        bornes = [_bornes(table.cellules[c]) for c in cellules]
        self.h.changeColsBounds(
            len(cellules),
            np.array([self.index[c] for c in cellules], dtype=np.int32),
            np.array([b for b, _ in bornes], dtype=float),
            np.array([h for _, h in bornes], dtype=float),
        )

    def _objectif(self, indices: np.ndarray, couts: np.ndarray) -> None:
        if self.couts_actifs:
            self.h.changeColsCost(
                len(self.couts_actifs),
                np.array(self.couts_actifs, dtype=np.int32),
                np.zeros(len(self.couts_actifs)),
            )
        self.h.changeColsCost(len(indices), indices.astype(np.int32), couts.astype(float))
        self.couts_actifs = [int(i) for i in indices]

    def _resoudre(self, sens) -> tuple[highspy.HighsModelStatus, float]:
        self.h.changeObjectiveSense(sens)
        # 4: primal simplex from the last basis; 1: dual simplex (HiGHS's default)
        self.h.setOptionValue("simplex_strategy", 1 if self.premier else 4)
        resoudre(self.h)
        self.premier = False
        statut = self.h.getModelStatus()
        if statut not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
            # a warm start can end undecided (kUnknown) on a degenerate model: solve afresh
            self.h.clearSolver()
            resoudre(self.h)
            statut = self.h.getModelStatus()
        if statut == highspy.HighsModelStatus.kOptimal:
            return statut, self.h.getInfo().objective_function_value
        if statut == highspy.HighsModelStatus.kUnbounded:
            return statut, -math.inf if sens == highspy.ObjSense.kMinimize else math.inf
        raise RuntimeError(
            f"audit : modèle {statut} pour {len(self.index)} cellules (relations incohérentes ?)"
        )

    def extremes(self, termes: list[tuple[str, float]]) -> tuple[float, float]:
        self._objectif(
            np.array([self.index[c] for c, _ in termes]), np.array([k for _, k in termes])
        )
        return (
            self._resoudre(highspy.ObjSense.kMinimize)[1],
            self._resoudre(highspy.ObjSense.kMaximize)[1],
        )

    def point_extreme(self, indices: np.ndarray, couts: np.ndarray, sens) -> np.ndarray | None:
        """A feasible table pushing the weighted sum of cells as far as possible (None when the
        direction is unbounded: no single table to read)."""
        ordre = np.argsort(indices, kind="stable")
        uniques, debuts = np.unique(indices[ordre], return_index=True)
        self._objectif(uniques, np.add.reduceat(couts[ordre], debuts))
        statut, _ = self._resoudre(sens)
        if statut != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(self.h.getSolution().col_value)
        if self.tables is not None:
            self.tables.append(x)
        return x


class _Cibles:
    """The targets of a component as flat arrays, to evaluate them on any feasible table."""

    def __init__(self, liste: list[Cible], index: dict[str, int]):
        self.indices = np.array([index[c] for t in liste for c, _ in t.termes], dtype=np.int64)
        self.coefficients = np.array([k for t in liste for _, k in t.termes], dtype=float)
        self.debuts = np.cumsum([0] + [len(t.termes) for t in liste])[:-1]
        self.proprietaire = np.repeat(np.arange(len(liste)), [len(t.termes) for t in liste])

    def evaluer(self, x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(self.coefficients * x[self.indices], self.debuts)

    def combinaison(self, choisies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cells and weights of the sum of the chosen targets."""
        garde = choisies[self.proprietaire]
        return self.indices[garde], self.coefficients[garde]


class Temoins:
    """What feasible tables have shown so far of a list of targets on one model: the smallest
    and largest value each target took (the true table is the first witness). A target whose
    requirement a witness meets (a value reached above the threshold, or two witnesses with
    different values) is safe."""

    def __init__(self, modele: ModeleComposante, liste: list[Cible]):
        self.modele, self.liste = modele, liste
        self.cibles = _Cibles(liste, modele.index)
        vraies = np.array([t.valeur for t in liste], dtype=float)
        self.tolerance = TOLERANCE * np.maximum(1.0, np.abs(vraies))
        self.maximum, self.minimum = vraies.copy(), vraies.copy()
        self.relire()

    def relire(self) -> None:
        """Read the targets' requirements again (`au_plus_public` may have lowered them)."""
        inf = np.inf
        liste = self.liste
        self.haute = np.array(
            [-inf if t.exigence_haute is None else t.exigence_haute for t in liste]
        )
        self.basse = np.array(
            [inf if t.exigence_basse is None else t.exigence_basse for t in liste]
        )
        self.mobile = np.array([t.exacte_interdite for t in liste], dtype=bool)

    def _fixes(self) -> np.ndarray:
        return self.mobile & (self.maximum - self.minimum < self.tolerance)

    def a_monter(self) -> np.ndarray:
        return (self.maximum < self.haute - TOLERANCE) | self._fixes()

    def a_descendre(self) -> np.ndarray:
        return (self.minimum > self.basse + TOLERANCE) | self._fixes()

    def ouvertes(self) -> np.ndarray:
        return self.a_monter() | self.a_descendre()

    def _sens(self):
        return (
            (highspy.ObjSense.kMaximize, self.a_monter),
            (highspy.ObjSense.kMinimize, self.a_descendre),
        )

    def retenir(self, x: np.ndarray) -> None:
        valeurs = self.cibles.evaluer(x)
        np.maximum(self.maximum, valeurs, out=self.maximum)
        np.minimum(self.minimum, valeurs, out=self.minimum)

    def pousser_sommes(self) -> None:
        """Programs pushing the sum of all still-unproven targets up (then down), which proves
        many at once, as long as each proves enough of them (`GAIN_MINIMAL`)."""
        for sens, restantes in self._sens():
            while True:
                ouvertes = restantes()
                if not ouvertes.any():
                    break
                indices, couts = self.cibles.combinaison(ouvertes)
                x = self.modele.point_extreme(indices, couts, sens)
                if x is None:
                    break
                self.retenir(x)
                if (restantes() & ouvertes).sum() > (1 - GAIN_MINIMAL) * ouvertes.sum():
                    break  # sums no longer pay: the rest one by one (or by the protector)

    def pousser(self, i: int, sens=None) -> bool:
        """Target `i`'s own program, in `sens` or in each direction it still needs; its table
        is checked against every target. Whether target `i` is now proven."""
        cible = self.liste[i]
        for direction, restantes in self._sens():
            if (sens is None or direction == sens) and restantes()[i]:
                x = self.modele.point_extreme(
                    np.array([self.modele.index[c] for c, _ in cible.termes]),
                    np.array([k for _, k in cible.termes], dtype=float),
                    direction,
                )
                if x is not None:
                    self.retenir(x)
        return not self.ouvertes()[i]


# the landlords' feasible tables kept per component as witnesses for the outsider (the last
# ones), by the masking (`protection.Memoire`) and the audit (`entrepot.auditer_composante`;
# 256 instead of 64 on the 20k demo: fewer programs, more time spent checking them)
TABLES_DES_BAILLEURS = 64


class Reserve:
    """Feasible tables found by earlier programs, over a whole component (the true values
    outside the cells each program had). A table that satisfies a later model's cells and
    relations (published cells at their values, hidden ones within their public bounds, every
    relation) is one of that attacker's possible tables too: it proves every target it moves as
    the rule requires, with no program. Kept by `republication` from trial to trial (most
    targets of a large piece lie far from the cell tried), and by the audit from the landlords
    to the outsider (`auditer_composante`: a landlord's feasible table, its own cells at their
    values, is one the outsider must consider)."""

    def __init__(self, table: Table, taille: int = 48):
        ordre = sorted(table.cellules)
        self.position = {c: i for i, c in enumerate(ordre)}
        self.vraies = np.array([table.cellules[c].valeur for c in ordre], dtype=float)
        self.taille = taille  # tables kept, the most recent
        self.tables: list[np.ndarray] = []

    def ajouter(self, noms: list[str], x: np.ndarray) -> None:
        table = self.vraies.copy()
        table[[self.position[c] for c in noms]] = x
        self.tables = [*self.tables[-(self.taille - 1) :], table]

    def valables(self, vue: Table, noms: list[str], liees: list[Relation]) -> np.ndarray:
        """The kept tables feasible for this piece, over its cells (one row each)."""
        if not self.tables:
            return np.empty((0, len(noms)))
        w = np.stack(self.tables)[:, [self.position[c] for c in noms]]
        cellules = [vue.cellules[c] for c in noms]
        bas = np.array([c.borne_basse if c.cachee else c.valeur for c in cellules])
        haut = np.array([c.borne_haute if c.cachee else c.valeur for c in cellules])
        marge = TOLERANCE * np.maximum(1.0, np.abs(w))
        garde = ((w >= bas - marge) & (w <= haut + marge)).all(axis=1)
        if liees and garde.any():
            local = {c: i for i, c in enumerate(noms)}
            termes = [(local[c], k) for r in liees for c, k in r.termes]
            indices = np.array([i for i, _ in termes])
            coefficients = np.array([k for _, k in termes], dtype=float)
            debuts = np.cumsum([0] + [len(r.termes) for r in liees])[:-1]
            produits = w[:, indices] * coefficients
            ecarts = np.add.reduceat(produits, debuts, axis=1)
            echelles = np.add.reduceat(np.abs(produits), debuts, axis=1)
            garde &= (np.abs(ecarts) <= TOLERANCE * (1.0 + echelles)).all(axis=1)
        return w[garde]


def temoins(
    modele: ModeleComposante,
    liste: list[Cible],
    un_par_un: bool = False,
    echecs_max: float = math.inf,
    par_pieces=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Prove targets safe with as few linear programs as possible (`Temoins`): sums of
    targets first; then (`un_par_un`) each target still unproven gets its own program, whose
    table is also checked against all the others; after `echecs_max` targets found exposed
    that way, the rest is left unexamined. Returns the smallest and largest value witnessed
    for each target, which targets remain unproven, and which of those were examined on their
    own. `par_pieces` (a function of the `Temoins`, when given) adds witnesses found piece by
    piece first (`cloisons.Cloisons.prouver`).
    """
    preuves = Temoins(modele, liste)
    if par_pieces is not None:
        par_pieces(preuves)
    preuves.pousser_sommes()
    examinees = np.zeros(len(liste), dtype=bool)
    if un_par_un:
        for sens, restantes in preuves._sens():
            for i in np.flatnonzero(restantes()):
                if not restantes()[i]:
                    continue  # proven meanwhile by another target's table
                if echecs_max < math.inf and (examinees & preuves.ouvertes()).sum() >= echecs_max:
                    break
                examinees[i] = True
                preuves.pousser(i, sens)
    return preuves.minimum, preuves.maximum, preuves.ouvertes(), examinees


def au_plus_public(
    table: Table,
    cellules: list[str],
    relations,
    liste: list[Cible],
    memoire: dict | None = None,
) -> None:
    """Nothing can be shown beyond what is public: lower each target's requirement to what the
    reader would establish if every cell it does not know were hidden (its public range, from
    the public bounds, the identities and the reader's own cells). A requirement no release can
    meet is not a failure of the release: it is public knowledge (for instance a count of
    respondents bounded by a public number of occupied dwellings below the threshold).
    That range does not depend on the pattern: `memoire` (one dict per reader and component,
    kept by the caller) keeps it from call to call, by the target's terms: exact, or only
    witnessed when witnesses already show the requirements within reach (nothing to lower)."""
    if not liste:
        return
    memoire = {} if memoire is None else memoire
    a_calculer = [c for c in liste if not _portee_suffit(memoire.get(tuple(c.termes)), c)]
    if a_calculer:
        _portees_publiques(table, cellules, relations, a_calculer, memoire)
    for cible in liste:
        bas, haut, exacte = memoire[tuple(cible.termes)]
        if not exacte:
            continue  # witnessed within reach of every requirement: none is lowered
        if cible.exigence_haute is not None and haut < cible.exigence_haute:
            cible.exigence_haute = haut
        if cible.exigence_basse is not None and bas > cible.exigence_basse:
            cible.exigence_basse = bas
        if haut - bas < TOLERANCE * max(1.0, abs(cible.valeur)):
            cible.exacte_interdite = False


def prouvee_par(cible: Cible, bas: float, haut: float) -> bool:
    """Whether values witnessed from `bas` to `haut` meet the target's requirements (as
    `Temoins` judges a target proven)."""
    return (
        (cible.exigence_haute is None or haut >= cible.exigence_haute - TOLERANCE)
        and (cible.exigence_basse is None or bas <= cible.exigence_basse + TOLERANCE)
        and (not cible.exacte_interdite or haut - bas >= TOLERANCE * max(1.0, abs(cible.valeur)))
    )


def _portee_suffit(portee, cible: Cible) -> bool:
    """Whether a kept public range decides `cible`: exact, or witnessed wide enough for its
    requirements."""
    if portee is None:
        return False
    bas, haut, exacte = portee
    return exacte or prouvee_par(cible, bas, haut)


def _portees_publiques(
    table: Table, cellules: list[str], relations, liste: list[Cible], portees: dict
) -> None:
    """Each target's range when every cell the reader does not know is hidden, into
    `portees` by the target's terms, as (low, high, exact). Witnesses first (sums of targets
    pushed up and down, `Temoins.pousser_sommes`): a target they show within reach of its
    requirements keeps its witnessed range, the others get their exact range (two programs
    each). An exact range is never replaced by a witnessed one."""
    inconnues = {
        c: Cellule(**{**vars(table.cellules[c]), "statut": "masque_nd"})
        if table.cellules[c].statut != "force"
        else table.cellules[c]
        for c in cellules
    }
    publique = Table(inconnues, relations, equivalentes=table.equivalentes)
    for bloc in blocs(publique, relations, liste):
        modele = ModeleComposante(publique, bloc.cellules, bloc.relations)
        sous = [liste[i] for i in bloc.cibles]
        preuves = Temoins(modele, sous)
        preuves.pousser_sommes()
        ouvertes = preuves.ouvertes()
        for i, cible in enumerate(sous):
            cle = tuple(cible.termes)
            if ouvertes[i]:
                portees[cle] = (*modele.extremes(cible.termes), True)
            elif cle not in portees or not portees[cle][2]:
                portees[cle] = (float(preuves.minimum[i]), float(preuves.maximum[i]), False)


def _auditer_par_temoins(
    modele: ModeleComposante, liste: list[Cible], echecs_max: float, par_pieces=None
) -> list[Resultat]:
    """Witnesses first (`temoins`); an exposed target is reported with its exact interval."""
    minimum, maximum, ouvertes, examinees = temoins(
        modele, liste, un_par_un=True, echecs_max=echecs_max, par_pieces=par_pieces
    )
    resultats = []
    for i, cible in enumerate(liste):
        if ouvertes[i] and examinees[i]:
            resultats.append(Resultat(cible, *modele.extremes(cible.termes)))
        else:
            verifie = not ouvertes[i]
            resultats.append(Resultat(cible, float(minimum[i]), float(maximum[i]), verifie))
    return resultats


def auditer(
    table: Table,
    seuil: float = 11,
    exhaustif: bool = True,
    echecs_max: float = math.inf,
    decomposer: bool = True,
    reserve: Reserve | None = None,
    recolter: bool = False,
) -> list[Resultat]:
    """Range of every target of the release, component by component.

    `exhaustif`: the exact range of every target (two programs per target). Otherwise targets are
    proven safe by witnesses (see `temoins`): the verdicts are the same, the ranges of safe
    targets are only as wide as the witnesses found. `echecs_max` (witness mode): once that many
    targets are found exposed, the release fails anyway; the others are reported `non_verifie`.
    `decomposer`: each component is solved as its independent pieces (`blocs`), which gives the
    same ranges (tested against the undivided component); false for that comparison only.
    `reserve` (witness mode, a table of one component): with `recolter`, every table the
    programs find goes into it; else its tables that fit this view are witnesses first (a
    landlord's tables for the outsider, see `Reserve`): the same verdicts, fewer programs.
    """
    from .cloisons import Cloisons  # it builds on this module's models

    resultats: list[Resultat] = []
    for cellules, relations in table.composantes():
        if not any(table.cellules[c].cachee for c in cellules):
            continue
        liste = cibles(table, cellules, relations, seuil)
        if not liste:
            continue
        cloisons = Cloisons(table, cellules, relations) if decomposer else None
        if decomposer:
            morceaux = blocs(table, relations, liste)
        else:
            morceaux = [Bloc(cellules, relations, list(range(len(liste))))]
        trouves: list[Resultat | None] = [None] * len(liste)
        for bloc in morceaux:
            sous = [liste[i] for i in bloc.cibles]
            modele = ModeleComposante(table, bloc.cellules, bloc.relations)
            if exhaustif:
                obtenus = [Resultat(cible, *modele.extremes(cible.termes)) for cible in sous]
            else:
                deja = sum(r.motif is not None for r in resultats) + sum(
                    r is not None and r.motif is not None for r in trouves
                )
                premiers = []
                if reserve is not None and recolter:  # the last ones only, as the reserve
                    modele.tables = deque(maxlen=reserve.taille)
                elif reserve is not None:
                    premiers = reserve.valables(table, bloc.cellules, bloc.relations)

                def d_abord(preuves, premiers=premiers, cloisons=cloisons):
                    for x in premiers:
                        preuves.retenir(x)
                    if cloisons is not None:
                        cloisons.prouver(table, preuves)

                obtenus = _auditer_par_temoins(modele, sous, max(echecs_max - deja, 0), d_abord)
                for x in modele.tables or ():
                    reserve.ajouter(bloc.cellules, x)
            for i, r in zip(bloc.cibles, obtenus, strict=True):
                trouves[i] = r
        if table.initie:  # what the landlord's own cells make public is no failure
            exposes = [r.cible for r in trouves if r.verifie and r.motif is not None]
            au_plus_public(table, cellules, relations, exposes)
        resultats.extend(trouves)
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
