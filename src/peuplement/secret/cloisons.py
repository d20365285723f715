"""Proofs piece by piece: a component's targets proven inside their commune first.

A component of a release links every zone of a variable through the sums across communes (the
EPCI, a QPV over two communes): each program of the attacker's model is as large as the whole
component. But a table where every sum across pieces keeps, piece by piece, its true partial
value is a table of the whole component too: put side by side, the pieces' tables satisfy each
relation across pieces (each piece adds its true share) and each relation inside a piece. So
a table found on one piece, with the other cells at their true values, is a witness of the
whole component (`audit.Temoins`): a target it moves as required is safe, with a program the
size of its commune. A target no piece's table moves enough may still be safe through the
cells of other communes: the whole component's programs decide it, as before. The audit's
verdicts do not change, only the number of large programs does. The masking also takes a
piece's alternative table when it hides cells of rank 0 only (`protection.Locales`): a
restriction of the whole program, which may choose other complements (100,000 dwellings:
163,813 cells hidden instead of 163,806; see docs/echelle.md).

The pieces come from `Table.pieces` (the commune of each elementary cell, set by
`publication.construire`); a table without them (the file interface) has none and this step
does nothing.

May import: `audit`, `modele`.
"""

from __future__ import annotations

import os

import numpy as np

from .audit import Cible, ModeleComposante, Temoins, blocs
from .modele import Cellule, Relation, Table

# a component smaller than this is not cut for the audit: its whole programs cost little, and
# the pieces' programs would add to them (20k demo, largest component 9,749 cells: audits 14.9
# -> 19.2 s when every component of 5,000 cells or more is cut; 100k, 40,781 cells: 390 -> 280
# s of masking; see docs/echelle.md)
CELLULES_MIN = int(os.environ.get("PEUPLEMENT_SECRET_CLOISONS", "20000"))
# the masking cuts smaller components already: the pieces' alternative tables (`protection.
# Locales`) pay there (20k demo: masking 54.4 -> 44.4 s, 3 more cells hidden of 38,144)
CELLULES_MIN_MASQUAGE = int(os.environ.get("PEUPLEMENT_SECRET_CLOISONS_MASQUAGE", "5000"))


class Cloisons:
    """The pieces of one component: the relations inside a piece, and each relation across
    pieces cut into one relation per piece whose total (a new published cell, `epingle:`) is
    pinned at that piece's true share. `actives` is false when the component cannot be cut
    (no pieces, or a relation across pieces that is not a zone's sum of elementary cells)."""

    def __init__(
        self,
        table: Table,
        cellules: list[str],
        relations: list[Relation],
        minimum: int | None = None,
    ):
        """`minimum`: the cells from which a component is cut (default `CELLULES_MIN`)."""
        minimum = CELLULES_MIN if minimum is None else minimum
        self.piece_de: dict[str, str] = {c: table.pieces[c] for c in cellules if c in table.pieces}
        self.relations: list[Relation] = []
        self.epingles: dict[str, Cellule] = {}
        self.equivalentes: dict[str, list[list[tuple[str, float]]]] = {}
        self._morceaux: dict[str, tuple[list[str], list[Relation]]] | None = None
        self.figees: set[str] = set()
        self.actives = bool(self.piece_de) and len(cellules) >= minimum
        if not self.actives:
            return
        traversees = []
        for r in relations:  # a zone's sum: its pieces are those of its elementary cells
            total = r.total()
            pieces = {self.piece_de.get(c) for c, _ in r.termes if c != total}
            if total is not None and total not in self.piece_de and None not in pieces:
                if len(pieces) == 1:
                    self.piece_de[total] = pieces.pop()
                else:
                    traversees.append(r)
        croisees = {id(r) for r in traversees}
        for r in relations:
            if id(r) in croisees:
                continue
            pieces = {self.piece_de.get(c) for c, _ in r.termes}
            if len(pieces) != 1 or None in pieces:
                self.actives = False  # a relation this cut does not know how to split
                return
            self.relations.append(r)
            autres = table.equivalentes.get(r.id)
            if autres:
                self.equivalentes[r.id] = autres
        for r in traversees:
            self._couper(table, r)
        self._figees(table)
        self.cellules = sorted(self.piece_de)
        self.complements = [
            p
            for p in table.complements
            if p[0] in self.piece_de and self.piece_de[p[0]] == self.piece_de.get(p[1])
        ]

    def _couper(self, table: Table, relation: Relation) -> None:
        """One relation per piece of a sum across pieces, its total pinned at the share."""
        total = relation.total()
        (coefficient,) = [k for c, k in relation.termes if c == total]
        par_piece: dict[str, list[tuple[str, float]]] = {}
        for c, k in relation.termes:
            if c != total:
                par_piece.setdefault(self.piece_de[c], []).append((c, k))
        ecritures = table.equivalentes.get(relation.id, [])
        for piece, termes in sorted(par_piece.items()):
            nom = f"epingle:{piece}:{relation.id}"
            part = -sum(k * table.cellules[c].valeur for c, k in termes) / coefficient
            self.epingles[nom] = Cellule(nom, part, "publie", part, part)
            self.piece_de[nom] = piece
            ident = f"{relation.id}@{piece}"
            self.relations.append(Relation(ident, [(nom, coefficient)] + termes, False))
            coupees = []
            for ecriture in ecritures:  # the same cut of each other way to write it
                autres = [(c, k) for c, k in ecriture if c != total]
                if all(c in self.piece_de for c, _ in autres):
                    coupees.append(
                        [(nom, coefficient)]
                        + [(c, k) for c, k in autres if self.piece_de[c] == piece]
                    )
            if coupees:
                self.equivalentes[ident] = coupees

    def _figees(self, table: Table) -> None:
        """The zone cells a piece's tables cannot move: a zone of one piece whose elementary
        cells are exactly those of a pinned share (a commune, when the EPCI is cut) equals that
        share. A target of such cells only goes to the whole component's programs."""

        def parties(relation: Relation, total: str) -> frozenset:
            (coefficient,) = [k for c, k in relation.termes if c == total]
            return frozenset((c, -k / coefficient) for c, k in relation.termes if c != total)

        epinglees = {
            parties(r, r.termes[0][0]) for r in self.relations if r.termes[0][0] in self.epingles
        }
        for r in self.relations:
            total = r.total()
            if total is not None and total not in self.epingles and parties(r, total) in epinglees:
                self.figees.add(total)

    def piece(self, cible: Cible) -> str | None:
        """The piece every cell of the target lies in (None: several, not cut, or every cell
        pinned by the cut, `figees`)."""
        if not self.actives:
            return None
        pieces = {self.piece_de.get(c) for c, _ in cible.termes}
        if len(pieces) != 1 or None in pieces:
            return None
        if all(c in self.figees for c, _ in cible.termes):
            return None
        return next(iter(pieces))

    def morceau(self, piece: str) -> tuple[list[str], list[Relation]]:
        """One piece of the cut component: its cells (pinned shares included) and relations,
        the same lists each time (the callers key what they keep on them)."""
        if self._morceaux is None:
            self._morceaux = {}
            for c in self.cellules:
                self._morceaux.setdefault(self.piece_de[c], ([], []))[0].append(c)
            for r in self.relations:
                self._morceaux[self.piece_de[r.termes[0][0]]][1].append(r)
        return self._morceaux[piece]

    def table(self, vue: Table) -> Table:
        """The cut component as `vue`'s reader sees it (its cells shared with `vue`)."""
        cellules = {c: vue.cellules[c] for c in self.cellules if c in vue.cellules}
        cellules.update(self.epingles)
        return Table(
            cellules,
            self.relations,
            self.complements,
            initie=vue.initie,
            equivalentes=self.equivalentes,
        )

    def prouver(self, vue: Table, preuves: Temoins) -> None:
        """Witnesses found piece by piece for the targets `preuves` still has open: in each
        independent piece of the cut table, the sums of its targets pushed up and down, then
        each target still open pushed on its own (programs the size of the piece, where the
        whole component's would cost a program of the whole for each); what they show is added
        to `preuves` (a value a piece's table gives a target is a value some table of the whole
        component gives it)."""
        if not self.actives:
            return
        eligibles = [i for i in np.flatnonzero(preuves.ouvertes()) if self.piece(preuves.liste[i])]
        if not eligibles:
            return
        coupee = self.table(vue)
        liste: list[Cible] = [preuves.liste[i] for i in eligibles]
        for bloc in blocs(coupee, coupee.relations, liste):
            modele = ModeleComposante(coupee, bloc.cellules, bloc.relations)
            locales = Temoins(modele, [liste[j] for j in bloc.cibles])
            locales.pousser_sommes()
            for j in np.flatnonzero(locales.ouvertes()):
                locales.pousser(int(j))
            indices = np.array([eligibles[j] for j in bloc.cibles], dtype=np.int64)
            np.maximum.at(preuves.maximum, indices, locales.maximum)
            np.minimum.at(preuves.minimum, indices, locales.minimum)
