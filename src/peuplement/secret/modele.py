"""Cells and additive relations of a release, and their CSV file formats.

Cells CSV: `cell_id,value,status,lower,upper` (+ optional `cout`, `exigence_basse`,
`exigence_haute`). `lower`/`upper` are what the attacker knows a priori (default 0 and +inf);
`status` is `publie`, `primaire`, `secondaire`, `masque_nd` (not published for an other reason:
an unknown, not a cell to protect) or `force` (must stay published).
Relations CSV: `relation_id,cell_id,coefficient` (+ optional `nature`, `population` or `somme`):
Σ coefficient × value = 0 over the cells of a relation (a total +1, its parts -1).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import ErreurFichier

STATUTS = ("publie", "primaire", "secondaire", "masque_nd", "force")
CACHES = ("primaire", "secondaire", "masque_nd")
# the optional `nature` of a relation in its file: a population and its categories (the 100 %
# rule applies: total - part below the threshold is a small complement), or a sum of zones or
# of other totals (no such rule: a commune minus one of its IRIS is no population)
NATURES = ("population", "somme")


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

    @property
    def cout_masquage(self) -> float:
        """What hiding this cell as a complement costs: its `cout`, else its value (at least 1)."""
        return self.cout if self.cout is not None else max(self.valeur, 1.0)


@dataclass
class Relation:
    id: str
    termes: list[tuple[str, float]] = field(default_factory=list)  # (cell id, coefficient)
    # the total is a population and the parts its categories: total - part below the threshold
    # is a small complement (the 100 % rule); false for a zone as a sum of its sub-zones
    population: bool = True
    # (number of terms it was computed for, total, parts): the audit asks for them again and
    # again; a term appended since (while a file is read) computes them afresh
    _structure: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _calculer(self) -> tuple:
        if self._structure is None or self._structure[0] != len(self.termes):
            positifs = [c for c, k in self.termes if k > 0]
            total = positifs[0] if len(positifs) == 1 else None
            self._structure = (len(self.termes), total, [c for c, _ in self.termes if c != total])
        return self._structure

    def total(self) -> str | None:
        """The cell with coefficient +1 when it is the only one (the total of the parts)."""
        return self._calculer()[1]

    def parties(self) -> list[str]:
        return list(self._calculer()[2])


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
    # other ways to write a relation (relation id -> term lists): each is that relation minus
    # relations of the table whose cells it contains (a zone written as the sum of its sub-zones
    # instead of its elementary cells). Any choice among them, relation by relation, spans the
    # same equations as `relations` when those it subtracts are strictly smaller; the audit
    # picks the one with the fewest hidden cells (see `audit.blocs`)
    equivalentes: dict[str, list[list[tuple[str, float]]]] = field(
        default_factory=dict, compare=False
    )
    # the piece (a commune) of each elementary cell, when the release has one: the audit first
    # proves targets piece by piece with the sums across pieces pinned (`cloisons`)
    pieces: dict[str, str] = field(default_factory=dict, compare=False)
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
            equivalentes=self.equivalentes,
            pieces=self.pieces,
        )

    def sous_table(self, cellules: list[str], relations: list[Relation]) -> Table:
        """One component as a table of its own (its cells shared with this table, not copied):
        what a process of the pool receives."""
        noms = set(cellules)
        sous = Table(
            {c: self.cellules[c] for c in cellules},
            relations,
            [p for p in self.complements if p[1] in noms],
            initie=self.initie,
            equivalentes={
                r.id: self.equivalentes[r.id] for r in relations if r.id in self.equivalentes
            },
            pieces={c: self.pieces[c] for c in cellules if c in self.pieces},
        )
        sous._composantes = [(cellules, relations)]
        return sous

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


def _lecteur(f, chemin: Path, requises: set[str]) -> csv.DictReader:
    """The rows of a CSV file of the engine, once its required columns are found."""
    lecteur = csv.DictReader(f)
    manquantes = requises - set(lecteur.fieldnames or [])
    if manquantes:
        raise ErreurFichier(str(chemin), f"colonne(s) absente(s) : {sorted(manquantes)}")
    return lecteur


def lire_table(chemin_cellules: Path, chemin_relations: Path) -> Table:
    cellules: dict[str, Cellule] = {}
    with open(chemin_cellules, encoding="utf-8-sig", newline="") as f:
        lecteur = _lecteur(f, chemin_cellules, {"cell_id", "value", "status"})
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
        lecteur = _lecteur(f, chemin_relations, {"relation_id", "cell_id", "coefficient"})
        for i, ligne in enumerate(lecteur, start=2):
            ou = f"{chemin_relations}, ligne {i}"
            if ligne["cell_id"] not in cellules:
                raise ErreurFichier(
                    ou, f"cellule « {ligne['cell_id']} » absente du fichier des cellules"
                )
            nature = (ligne.get("nature") or "").strip() or NATURES[0]
            if nature not in NATURES:
                raise ErreurFichier(
                    ou, f"nature « {nature} » inconnue ; attendues : {' ou '.join(NATURES)}"
                )
            relation = relations.setdefault(
                ligne["relation_id"],
                Relation(ligne["relation_id"], population=nature == NATURES[0]),
            )
            if relation.population != (nature == NATURES[0]):
                raise ErreurFichier(
                    ou,
                    f"la relation « {ligne['relation_id']} » a déjà une autre nature : une "
                    "relation est soit une population et ses catégories, soit une somme",
                )
            relation.termes.append((ligne["cell_id"], _nombre(ligne["coefficient"], math.nan, ou)))
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
