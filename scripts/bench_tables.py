"""Hierarchical frequency tables for the secrecy benchmarks: a geography tree (root -> communes ->
IRIS) crossed with the categories of one partition, the same table given to our engine (cells and
additive relations) and to τ-Argus (microdata, see `bench_tauargus`).

Owns: the table structure, the 900-commune-like generator, the demo release's nested sub-tables
(read from a built warehouse), the frequency rule shared by both engines. Imports numpy, duckdb
and `peuplement.secret.modele` only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from peuplement.secret.modele import Cellule, Relation, Table

RACINE = "Total"  # the root of the geography and the total of the categories (τ-Argus's code)
SEUIL = 11


@dataclass
class TableHierarchique:
    """`parent[zone]` is the zone it adds up to (None for the root); the counts are given on the
    leaves (zones without children) for each category; every other figure is a sum."""

    nom: str
    parent: dict[str, str | None]
    categories: list[str]
    comptes: dict[tuple[str, str], int]  # (leaf zone, category) -> count
    _enfants: dict[str, list[str]] | None = field(default=None, repr=False)

    def enfants(self) -> dict[str, list[str]]:
        if self._enfants is None:
            self._enfants = {z: [] for z in self.parent}
            for z, p in self.parent.items():
                if p is not None:
                    self._enfants[p].append(z)
        return self._enfants

    def feuilles(self) -> list[str]:
        return [z for z, e in self.enfants().items() if not e]

    def valeurs(self) -> dict[tuple[str, str], int]:
        """Every figure of the table: (zone, category or RACINE) -> count."""
        valeurs: dict[tuple[str, str], int] = {}
        enfants = self.enfants()

        def total(zone: str) -> None:
            if enfants[zone]:
                for e in enfants[zone]:
                    total(e)
                for k in self.categories:
                    valeurs[zone, k] = sum(valeurs[e, k] for e in enfants[zone])
            else:
                for k in self.categories:
                    valeurs[zone, k] = self.comptes.get((zone, k), 0)
            valeurs[zone, RACINE] = sum(valeurs[zone, k] for k in self.categories)

        total(RACINE)
        return valeurs

    def nb_zones(self) -> int:
        return len(self.parent)


def primaire(valeur: float) -> bool:
    """The frequency rule both engines apply: 1 to 10 units. An empty cell (0) is published, as
    τ-Argus does (it is not a cell of its table); our engine never picks a zero as a secondary.
    Our 100 % rule (population - part < 11) is left out: τ-Argus's frequency rule has no such
    rule, and next to published zeros it cannot always be met (a zone of 5 dwellings all
    rented)."""
    return 0 < valeur < SEUIL


def id_cellule(zone: str, categorie: str) -> str:
    return f"{zone}/{categorie}"


def vers_table(th: TableHierarchique) -> Table:
    """Our engine's model: a cell per figure, a relation per zone (its categories add up to its
    total) and per non-leaf zone and category (its sub-zones add up to it). No relation is a
    population for the 100 % rule (see `primaire`); the audit still checks every hidden cell of
    1 to 10, every sum of hidden parts of a relation, and exact disclosure."""
    valeurs = th.valeurs()
    colonnes = [RACINE, *th.categories]
    cellules = {
        id_cellule(z, k): Cellule(
            id_cellule(z, k), float(v), "primaire" if primaire(v) else "publie"
        )
        for (z, k), v in valeurs.items()
    }
    relations = []
    for zone, enfants in th.enfants().items():
        relations.append(
            Relation(
                f"cat:{zone}",
                [(id_cellule(zone, RACINE), 1.0)]
                + [(id_cellule(zone, k), -1.0) for k in th.categories],
                population=False,
            )
        )
        if enfants:
            for k in colonnes:
                relations.append(
                    Relation(
                        f"geo:{zone}:{k}",
                        [(id_cellule(zone, k), 1.0)] + [(id_cellule(e, k), -1.0) for e in enfants],
                        population=False,
                    )
                )
    return Table(cellules, relations)


def avec_statuts(table: Table, statuts: dict[str, str]) -> Table:
    """A copy of `table` with the given statuses (cells not listed keep theirs)."""
    copie = table.copie()
    for c, s in statuts.items():
        copie.cellules[c].statut = s
    return copie


def generer_communes(
    communes: int = 900, avec_iris: int = 56, graine: int = 2022, parts=None
) -> TableHierarchique:
    """A département-like table: `communes` communes, the `avec_iris` largest split into 2 to 5
    IRIS, 5 categories (seed 2022: 1,072 zones, 6,432 cells, 2,620 primaries). Households per
    commune are heavy-tailed as in a rural département (many villages of a few social
    dwellings, a few towns of several hundred), categories drawn by a multinomial. Deterministic
    by seed."""
    rng = np.random.default_rng(graine)
    parts = np.array(parts or [0.35, 0.2, 0.15, 0.2, 0.1])
    categories = [f"k{i}" for i in range(len(parts))]
    menages = np.sort(np.floor(rng.lognormal(3.85, 0.8, communes)).astype(int) + 1)[::-1]
    parent: dict[str, str | None] = {RACINE: None}
    comptes: dict[tuple[str, str], int] = {}

    def remplir(zone: str, n: int) -> None:
        for k, v in zip(categories, rng.multinomial(n, parts), strict=True):
            if v:
                comptes[zone, k] = int(v)

    for c in range(communes):
        code = f"c{c:03d}"
        parent[code] = RACINE
        if c < avec_iris:  # the largest communes: towns with IRIS, ~250 households per IRIS
            nb_iris = int(rng.choice([2, 2, 3, 3, 4, 5]))
            poids = rng.dirichlet(np.full(nb_iris, 3.0))
            total = int(menages[c] * 4 + rng.integers(200, 1200))
            for i, n in enumerate(rng.multinomial(total, poids)):
                parent[f"{code}i{i}"] = code
                remplir(f"{code}i{i}", int(n))
        else:
            remplir(code, int(menages[c]))
    return TableHierarchique(
        f"table de {communes} communes ({avec_iris} avec IRIS)", parent, categories, comptes
    )


def partitions(catalogue: Path) -> dict[str, list[str]]:
    """The catalogue's partitions: name -> the indicators whose numerators are its categories
    (they add up to their common denominator)."""
    resultat: dict[str, list[str]] = {}
    with open(catalogue, encoding="utf-8") as f:
        for ligne in csv.DictReader(f):
            if ligne["partition"]:
                resultat.setdefault(ligne["partition"], []).append(ligne["indicateur"])
    return resultat


def connexion_etude(etude: Path):
    """A built study's warehouse, encrypted or not (the study's key from PEUPLEMENT_CLE or the
    keyring, as every command reads it)."""
    from peuplement.etude.configuration import charger_etude
    from peuplement.etude.entrepot import ouvrir_etude

    return ouvrir_etude(charger_etude(etude))


def tables_demo(
    etude: Path, catalogue: Path, choisies: list[str] | None = None
) -> list[TableHierarchique]:
    """The nested sub-tables of a built study's release, all landlords together: EPCI ->
    communes -> IRIS × each partition of the catalogue, true values summed from the warehouse's
    elementary cells (`int_indicateurs__cellules`, last millésime). A commune with a single IRIS
    is a leaf."""
    con = connexion_etude(etude)
    try:
        schema = con.execute(
            "select table_schema from information_schema.tables "
            "where table_name = 'int_indicateurs__cellules'"
        ).fetchone()[0]
        source = f'"{schema}".int_indicateurs__cellules'
        (millesime,) = con.execute(f"select max(millesime) from {source}").fetchone()
        tables = []
        for nom, indicateurs in partitions(catalogue).items():
            if choisies and nom not in choisies:
                continue
            sommes = ", ".join(f"sum(num__{i})::bigint" for i in indicateurs)
            lignes = con.execute(
                f"select code_commune, coalesce(code_iris, code_commune), {sommes} from {source} "
                f"where millesime = ? group by all order by all",
                [millesime],
            ).fetchall()
            iris_de: dict[str, set[str]] = {}
            for commune, iris, *_ in lignes:
                iris_de.setdefault(commune, set()).add(iris)
            parent: dict[str, str | None] = {RACINE: None}
            for commune, iris in iris_de.items():
                parent[commune] = RACINE
                if len(iris) > 1:
                    for i in iris:
                        parent[f"{commune}-{i}"] = commune
            comptes: dict[tuple[str, str], int] = {}
            for commune, iris, *valeurs in lignes:
                feuille = f"{commune}-{iris}" if len(iris_de[commune]) > 1 else commune
                for k, v in zip(indicateurs, valeurs, strict=True):
                    if v:
                        comptes[feuille, k] = comptes.get((feuille, k), 0) + int(v)
            tables.append(
                TableHierarchique(
                    f"démo : communes × IRIS × {nom}", parent, list(indicateurs), comptes
                )
            )
        return tables
    finally:
        con.close()
