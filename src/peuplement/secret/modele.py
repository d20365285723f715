"""Cells and additive relations of a release, and their CSV file formats.

Cells CSV: `cell_id,value,status,lower,upper` (+ optional `cout`, `exigence_basse`,
`exigence_haute`). `lower`/`upper` are what the attacker knows a priori (default 0 and +inf);
`status` is `publie`, `primaire`, `secondaire`, `masque_nd` (not published for an other reason:
an unknown, not a cell to protect) or `force` (must stay published).
Relations CSV: `relation_id,cell_id,coefficient`: Σ coefficient × value = 0 over the cells of a
relation (a total +1, its parts -1).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import ErreurFichier

STATUTS = ("publie", "primaire", "secondaire", "masque_nd", "force")
CACHES = ("primaire", "secondaire", "masque_nd")


@dataclass
class Cellule:
    id: str
    valeur: float
    statut: str = "publie"
    borne_basse: float = 0.0
    borne_haute: float = math.inf
    cout: float | None = None
    exigence_basse: float | None = None  # the attacker's lower bound must reach at most this
    exigence_haute: float | None = None  # the attacker's upper bound must reach at least this
    # the part of the value the reader already knows (its own units, for a landlord reading the
    # release; 0 for an outsider): the threshold rules apply to the rest, the others' units
    propre: float = 0.0
    # priority of publication: a published cell of rank r > 0 is chosen as a complement only when
    # no pattern hiding cells of lower rank protects the target (the figures a CIL reads first)
    rang: int = 0

    @property
    def cachee(self) -> bool:
        return self.statut in CACHES


@dataclass
class Relation:
    id: str
    termes: list[tuple[str, float]] = field(default_factory=list)  # (cell id, coefficient)
    # the total is a population and the parts its categories: total - part below the threshold
    # is a small complement (the 100 % rule); false for a zone as a sum of its sub-zones
    population: bool = True

    def total(self) -> str | None:
        """The cell with coefficient +1 when it is the only one (the total of the parts)."""
        positifs = [c for c, k in self.termes if k > 0]
        return positifs[0] if len(positifs) == 1 else None

    def parties(self) -> list[str]:
        total = self.total()
        return [c for c, _ in self.termes if c != total]


@dataclass
class Table:
    cellules: dict[str, Cellule]
    relations: list[Relation]
    # (total, part) pairs whose difference is a population minus a count, outside any relation
    # (e.g. a zone's households minus those of one category, when the relations run through
    # finer cells): the audit checks the small complement of a hidden part (the 100 % rule).
    complements: list[tuple[str, str]] = field(default_factory=list)
    # a landlord's view (`lecteurs`): what its own knowledge makes public is not a failure
    initie: bool = field(default=False, compare=False)
    # components depend on the relations only, never on the statuses: computed once
    _composantes: list | None = field(default=None, init=False, repr=False, compare=False)
    _complements_de: dict | None = field(default=None, init=False, repr=False, compare=False)

    def complements_de(self, part: str) -> list[tuple[str, str]]:
        """The (total, part) pairs of `complements` whose part is this cell."""
        if self._complements_de is None:
            self._complements_de = {}
            for paire in self.complements:
                self._complements_de.setdefault(paire[1], []).append(paire)
        return self._complements_de.get(part, [])

    def copie(self) -> Table:
        return Table(
            {k: Cellule(**vars(c)) for k, c in self.cellules.items()},
            [Relation(r.id, list(r.termes), r.population) for r in self.relations],
            list(self.complements),
        )

    def composantes(self) -> list[tuple[list[str], list[Relation]]]:
        """Independent sub-problems: cells linked by relations, in a deterministic order."""
        if self._composantes is None:
            self._composantes = self._calculer_composantes()
        return self._composantes

    def _calculer_composantes(self) -> list[tuple[list[str], list[Relation]]]:
        parent = {c: c for c in self.cellules}

        def racine(c: str) -> str:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        liens = [[c for c, _ in r.termes] for r in self.relations] + [
            list(paire) for paire in self.complements
        ]
        for lien in liens:
            premiere = racine(lien[0])
            for c in lien[1:]:
                autre = racine(c)
                if autre != premiere:
                    parent[max(autre, premiere)] = min(autre, premiere)
                    premiere = min(autre, premiere)
        groupes: dict[str, list[str]] = {}
        for c in sorted(self.cellules):
            groupes.setdefault(racine(c), []).append(c)
        relations: dict[str, list[Relation]] = {}
        for r in self.relations:
            relations.setdefault(racine(r.termes[0][0]), []).append(r)
        return [(groupes[k], relations.get(k, [])) for k in sorted(groupes)]


def _nombre(texte: str | None, defaut: float, ou: str) -> float:
    if texte is None or str(texte).strip() == "":
        return defaut
    try:
        return float(str(texte).replace(",", "."))
    except ValueError as exc:
        raise ErreurFichier(ou, f"« {texte} » n'est pas un nombre") from exc


def _facultatif(texte: str | None, ou: str) -> float | None:
    return None if texte is None or str(texte).strip() == "" else _nombre(texte, math.nan, ou)


def lire_table(chemin_cellules: Path, chemin_relations: Path) -> Table:
    cellules: dict[str, Cellule] = {}
    with open(chemin_cellules, encoding="utf-8-sig", newline="") as f:
        lecteur = csv.DictReader(f)
        manquantes = {"cell_id", "value", "status"} - set(lecteur.fieldnames or [])
        if manquantes:
            raise ErreurFichier(
                str(chemin_cellules), f"colonne(s) absente(s) : {sorted(manquantes)}"
            )
        for i, ligne in enumerate(lecteur, start=2):
            ou = f"{chemin_cellules}, ligne {i}"
            if ligne["status"] not in STATUTS:
                raise ErreurFichier(
                    ou, f"statut « {ligne['status']} » inconnu ; attendus : {STATUTS}"
                )
            if ligne["cell_id"] in cellules:
                raise ErreurFichier(ou, f"cellule « {ligne['cell_id']} » en double")
            cout = ligne.get("cout")
            cellules[ligne["cell_id"]] = Cellule(
                id=ligne["cell_id"],
                valeur=_nombre(ligne["value"], math.nan, ou),
                statut=ligne["status"],
                borne_basse=_nombre(ligne.get("lower"), 0.0, ou),
                borne_haute=_nombre(ligne.get("upper"), math.inf, ou),
                cout=_facultatif(cout, ou),
                exigence_basse=_facultatif(ligne.get("exigence_basse"), ou),
                exigence_haute=_facultatif(ligne.get("exigence_haute"), ou),
            )
    relations: dict[str, Relation] = {}
    with open(chemin_relations, encoding="utf-8-sig", newline="") as f:
        for i, ligne in enumerate(csv.DictReader(f), start=2):
            ou = f"{chemin_relations}, ligne {i}"
            if ligne["cell_id"] not in cellules:
                raise ErreurFichier(
                    ou, f"cellule « {ligne['cell_id']} » absente du fichier des cellules"
                )
            relations.setdefault(
                ligne["relation_id"], Relation(ligne["relation_id"])
            ).termes.append((ligne["cell_id"], _nombre(ligne["coefficient"], math.nan, ou)))
    return Table(cellules, list(relations.values()))


def ecrire_cellules(table: Table, chemin: Path) -> None:
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cell_id", "value", "status", "lower", "upper"])
        for c in table.cellules.values():
            w.writerow(
                [
                    c.id,
                    _format(c.valeur),
                    c.statut,
                    _format(c.borne_basse),
                    "" if math.isinf(c.borne_haute) else _format(c.borne_haute),
                ]
            )


def _format(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
