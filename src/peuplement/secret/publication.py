"""The cells and relations of a whole release, built from the warehouse's secrecy models.

Every published figure is a count of one variable (households with a characteristic, dwellings,
persons) in one zone of one maille, for one landlord or for all (`ensemble`). Each is the sum of
elementary cells (landlord × commune × QPV side × QPV × IRIS × quartier × résidence), which are
never published: they are the attacker's unknowns, and every published zone cell is an exact sum
of them. Within an elementary cell, the identities of the catalogue hold (a partition's categories
add up to its total, a part and its rest add up to its population...). Two published rows made of
the same elementary cells are one cell of the model (a commune with a single IRIS, an `ensemble`
with a single landlord): they share their status.

Elementary dwelling counts are public (the RPLS lists every social dwelling with its landlord and
address): they are known to the attacker and bound every household count of their cell.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from .modele import Cellule, Relation, Table

NIVEAUX = {
    "residence": 0,
    "iris": 1,
    "quartier": 1,
    "qpv": 2,
    "commune_qpv": 2,
    "commune": 3,
    "epci_qpv": 3,
    "epci": 4,
}
ENSEMBLE = "ensemble"
# the maille whose zones are the pieces of `Table.pieces`: every finer zone lies in one commune
PIECE = "commune"


@dataclass(frozen=True)
class Etiquette:
    """A published row's cell: (maille, zone, landlord, variable)."""

    maille: str
    code_zone: str
    bailleur: str
    variable: str


@dataclass
class Publication:
    table: Table
    cellule_de: dict[Etiquette, str]  # every published row -> its cell in the model
    guides: list[Relation]  # zone-level sums (geography, landlords, partitions) for the greedy
    membres: dict[str, tuple[int, ...]]  # model cell -> its elementary cells
    variable_de: dict[str, str]  # model cell -> its variable
    bailleur_de: dict[int, str]  # elementary cell -> its landlord

    def bailleurs(self) -> list[str]:
        return sorted(set(self.bailleur_de.values()))


def _id_base(cellule: int, variable: str) -> str:
    return f"base:{cellule}:{variable}"


def construire(
    base: list[tuple],
    cellules: list[tuple],
    appartenances: list[tuple],
    identites: list[tuple],
    indisponibles: list[tuple] = (),
    lignes_plan: dict[tuple[str, str], int] | None = None,
) -> Publication:
    """The model of the release.

    - base: (id_cellule, bailleur, variable, valeur, logements, bornee_par_logements): `logements`
      is the public bound of the count (the cell's dwellings; its occupied dwellings for a count
      of households when occupancy is public)
    - cellules: (maille, code_zone, bailleur, variable, valeur, statut, exigence_haute)
    - appartenances: (id_cellule, maille, code_zone)
    - identites: (identite, variable, coefficient)
    - indisponibles: (bailleur, variable) that the landlord does not supply: its elementary cells
      of that variable are 0, and every reader knows it (`force`)
    - lignes_plan: (maille, variable) -> number of indicator lines of the publication plan reading
      that variable at that maille; a published cell's hiding cost is multiplied by the lines
      of all the rows it carries (a denominator takes every line reading it). None: 1 each.
    """
    valeurs: dict[tuple[int, str], float] = {}
    bailleur_de: dict[int, str] = {}
    logements_de: dict[tuple[int, str], float] = {}  # the public bound of each count
    bornees: set[str] = set()
    for cellule, bailleur, variable, valeur, logements, bornee in base:
        valeurs[(cellule, variable)] = float(valeur)
        bailleur_de[cellule] = bailleur
        logements_de[(cellule, variable)] = float(logements)
        if bornee:
            bornees.add(variable)
    ids_base = sorted(bailleur_de)

    termes_identites: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for identite, variable, coefficient in identites:
        termes_identites[identite].append((variable, float(coefficient)))
    for termes in termes_identites.values():  # a rest's value follows from its identity
        restes = [(v, k) for v, k in termes if v.startswith("reste:")]
        for reste, k_reste in restes:
            for c in ids_base:
                valeurs[(c, reste)] = (
                    -sum(k * valeurs[(c, v)] for v, k in termes if v != reste) / k_reste
                )

    zones: dict[tuple[str, str], list[int]] = defaultdict(list)
    zone_de: dict[str, dict[int, str]] = defaultdict(dict)
    for cellule, maille, code_zone in appartenances:
        zones[(maille, code_zone)].append(cellule)
        zone_de[maille][cellule] = code_zone

    def ensemble_de(maille: str, code_zone: str, bailleur: str) -> tuple[int, ...]:
        return tuple(
            sorted(
                c
                for c in zones[(maille, code_zone)]
                if bailleur == ENSEMBLE or bailleur_de[c] == bailleur
            )
        )

    # One model cell per (set of elementary cells, variable): the first row in sorted order names it.
    lignes = sorted(cellules, key=lambda r: (r[3], NIVEAUX.get(r[0], 9), r[0], r[1], r[2]))
    cellule_de: dict[Etiquette, str] = {}
    modele: dict[str, Cellule] = {}
    ensemble_cellule: dict[str, tuple[int, ...]] = {}
    variable_de: dict[str, str] = {}
    par_ensemble: dict[tuple[tuple[int, ...], str], str] = {}
    lignes_de: dict[str, int] = defaultdict(int)  # the indicator lines each model cell carries
    for maille, code_zone, bailleur, variable, valeur, statut, exigence in lignes:
        etiquette = Etiquette(maille, code_zone, bailleur, variable)
        membres = ensemble_de(maille, code_zone, bailleur)
        cle = (membres, variable)
        if cle not in par_ensemble:
            ident = (
                _id_base(membres[0], variable)
                if len(membres) == 1
                else f"{maille}:{code_zone}:{bailleur}:{variable}"
            )
            par_ensemble[cle] = ident
            haut = (
                sum(logements_de[(c, variable)] for c in membres)
                if variable in bornees
                else math.inf
            )
            modele[ident] = Cellule(
                ident, float(valeur), statut, 0.0, haut, cout=_cout(maille, bailleur, valeur)
            )
            ensemble_cellule[ident] = membres
            variable_de[ident] = variable
        ident = par_ensemble[cle]
        if lignes_plan is not None:
            lignes_de[ident] += lignes_plan.get((maille, variable), 1)
        _fusionner(modele[ident], statut, exigence)
        modele[ident].rang = max(modele[ident].rang, _rang(maille, bailleur))
        cellule_de[etiquette] = ident

    for ident, nombre in lignes_de.items():
        modele[ident].cout *= nombre
    variables = sorted({v for (_, v) in valeurs})
    publiques = {e.variable for e, i in cellule_de.items() if modele[i].statut == "force"}
    for c in ids_base:  # the elementary cells no published row equals: unknowns
        for variable in variables:
            ident = _id_base(c, variable)
            if ident not in modele:
                modele[ident] = Cellule(
                    ident,
                    valeurs[(c, variable)],
                    "force" if variable in publiques else "masque_nd",
                    0.0,
                    logements_de[(c, variable)] if variable in bornees else math.inf,
                )
                ensemble_cellule[ident] = (c,)
                variable_de[ident] = variable

    absentes = set(indisponibles)
    for c in ids_base:
        for variable in variables:
            if (bailleur_de[c], variable) in absentes:
                modele[_id_base(c, variable)].statut = "force"

    relations: list[Relation] = []
    for ident, membres in ensemble_cellule.items():
        if len(membres) > 1:
            variable = variable_de[ident]
            relations.append(
                Relation(
                    f"somme:{ident}",
                    [(ident, 1.0)] + [(_id_base(c, variable), -1.0) for c in membres],
                    population=False,
                )
            )
    for nom, termes in sorted(termes_identites.items()):
        for c in ids_base:
            relations.append(Relation(f"{nom}@{c}", [(_id_base(c, v), k) for v, k in termes]))
    table = Table(modele, relations, _complements(termes_identites, cellule_de))
    guides = _guides(cellule_de, ensemble_cellule, termes_identites, zone_de, zones, bailleur_de)
    table.equivalentes = _equivalentes(guides, ensemble_cellule, variable_de)
    communes = zone_de.get(PIECE, {})
    table.pieces = {
        _id_base(c, v): communes[c] for c in ids_base if c in communes for v in variables
    }
    return Publication(table, cellule_de, guides, ensemble_cellule, variable_de, bailleur_de)


def _rang(maille: str, bailleur: str) -> int:
    """Publication priority (see `Cellule.rang`): the EPCI's figures for all landlords first,
    then the communes' and each landlord's EPCI figures, then the rest."""
    if maille == "epci" and bailleur == ENSEMBLE:
        return 2
    if maille == "epci" or (maille == "commune" and bailleur == ENSEMBLE):
        return 1
    return 0


def _cout(maille: str, bailleur: str, valeur: float) -> float:
    """Cost of hiding a published cell as a complement: small and fine cells first. Each level
    up the geography weighs ten times more, and a landlords' total twice its parts, so that the
    solver never trades many fine cells for one figure the CIL reads first (an EPCI total).
    `construire` then multiplies it by the indicator lines the cell carries (`lignes_plan`)."""
    return (
        max(float(valeur), 1.0)
        * 10.0 ** NIVEAUX.get(maille, 0)
        * (2.0 if bailleur == ENSEMBLE else 1.0)
    )


def _fusionner(cellule: Cellule, statut: str, exigence) -> None:
    """Two rows with the same cells: the most restrictive status and requirement win (a
    primary is an audit target, which a `masque_nd` cell is not)."""
    rang = {"force": 4, "primaire": 3, "masque_nd": 2, "secondaire": 1, "publie": 0}
    if rang[statut] > rang[cellule.statut]:
        cellule.statut = statut
    if exigence is not None and not (isinstance(exigence, float) and math.isnan(exigence)):
        cellule.exigence_haute = max(cellule.exigence_haute or -math.inf, float(exigence))


def _populations(termes_identites) -> list[tuple[str, str]]:
    """(population, part) pairs: a partition's total and each category, a part and its population."""
    paires = []
    for nom, termes in termes_identites.items():
        if nom.startswith(("partition:", "complement:")):
            total = termes[0][0]
            paires += [(total, v) for v, _ in termes[1:] if not v.startswith("reste:")]
    return paires


def _complements(termes_identites, cellule_de: dict[Etiquette, str]) -> list[tuple[str, str]]:
    paires = set()
    for population, part in _populations(termes_identites):
        for e, ident in cellule_de.items():
            if e.variable == part:
                total = cellule_de.get(Etiquette(e.maille, e.code_zone, e.bailleur, population))
                if total is not None:
                    paires.add((total, ident))
    return sorted(paires)


def _equivalentes(guides, ensemble_cellule, variable_de) -> dict:
    """Each zone cell's sum over its elementary cells, written instead as the sum of the
    sub-zones of a guide of the same variable (plus the elementary cells they leave out): the
    relation minus the relations of those sub-zones, which hold strictly fewer elementary cells,
    so that any choice spans the same equations (see `Table.equivalentes`). Written this way a
    published zone whose sub-zones are all published gives an equation between constants, and
    the audit's unknowns split into small independent pieces."""
    resultat: dict[str, list[list[tuple[str, float]]]] = defaultdict(list)
    for guide in guides:
        total = guide.total()
        membres = ensemble_cellule[total]
        parties = guide.parties()
        if len(membres) < 2 or any(variable_de[p] != variable_de[total] for p in parties):
            continue
        couverts = [c for p in parties for c in ensemble_cellule[p]]
        if len(set(couverts)) != len(couverts) or not set(couverts) <= set(membres):
            continue  # the sub-zones must be disjoint parts of the zone
        reste = sorted(set(membres) - set(couverts))
        variable = variable_de[total]
        resultat[f"somme:{total}"].append(
            [(total, 1.0)]
            + [(p, -1.0) for p in parties]
            + [(_id_base(c, variable), -1.0) for c in reste]
        )
    return dict(resultat)


def _guides(cellule_de, ensemble_cellule, termes_identites, zone_de, zones, bailleur_de):
    """Zone-level sums between published cells: a zone = its sub-zones of another maille, an
    `ensemble` = its landlords, a partition's total = its categories. They are implied by the
    elementary relations; the greedy first pass of the protector reads them."""
    guides: dict[tuple, Relation] = {}

    def ajouter(total: str, parties: list[str]) -> None:
        parties = sorted(set(parties) - {total})
        if len(parties) >= 2:
            guides.setdefault(
                (total, tuple(parties)),
                Relation(f"guide:{total}", [(total, 1.0)] + [(p, -1.0) for p in parties]),
            )

    par_zone: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for e, ident in cellule_de.items():
        par_zone[(e.maille, e.code_zone, e.bailleur)][e.variable] = ident
    for (maille, code_zone, bailleur), cellules in sorted(par_zone.items()):
        for variable, ident in cellules.items():
            membres = ensemble_cellule[ident]
            if bailleur == ENSEMBLE:
                ajouter(
                    ident,
                    [
                        par_zone[(maille, code_zone, b)][variable]
                        for b in sorted({bailleur_de[c] for c in membres})
                        if variable in par_zone.get((maille, code_zone, b), {})
                    ],
                )
            for autre in zone_de:
                if autre == maille:
                    continue
                codes = {zone_de[autre].get(c) for c in membres}
                if None in codes or len(codes) < 2:
                    continue
                enfants = [
                    par_zone.get((autre, code, bailleur), {}).get(variable)
                    for code in sorted(codes)
                ]
                if None in enfants:
                    continue
                if sum(len(ensemble_cellule[i]) for i in enfants) == len(membres):
                    ajouter(ident, enfants)
        for nom, termes in termes_identites.items():
            if any(v.startswith("reste:") for v, _ in termes) or nom.startswith("produit:"):
                continue
            if all(v in cellules for v, _ in termes):
                ajouter(cellules[termes[0][0]], [cellules[v] for v, _ in termes[1:]])
    return list(guides.values())
