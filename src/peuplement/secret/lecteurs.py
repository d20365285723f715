"""Every reader is an attacker: the release as each landlord of the CIL sees it.

A landlord knows its own microdata, so every elementary cell of its own is known to it exactly,
at every maille and for every variable (even those it sees hidden or `nd` in the release): its
own rows and its own `nd` protect nothing against it. Its view is the outsider's table with
those cells fixed (`force`); in a hidden cell mixing its units and the others', the part it
knows is recorded (`Cellule.propre`) so that the audit's threshold rules bear on the others'
units. The protector and the audit both read these views; neither decides anything here.
"""

from __future__ import annotations

from .modele import Cellule, Table
from .publication import Publication, _id_base

EXTERIEUR = "exterieur"


class Lecteurs:
    """The readers of a release: the outsider, then each landlord (sorted)."""

    def __init__(self, pub: Publication):
        self.pub = pub
        # for each landlord: model cell -> (its own part of the value, the public upper bound
        # of the others' part, all members its own)
        self._propres: dict[str, dict[str, tuple[float, float, bool]]] = {}

    def restreints(self, cellules: list[str]) -> Lecteurs:
        """The same readers for one component of the release (these cells only): what a
        process of the pool needs to build each reader's view of that component."""
        pub = self.pub
        sous = Publication(
            None,  # the views read the table they are given, never the release's own
            {},
            [],
            {c: pub.membres[c] for c in cellules if c in pub.membres},
            {c: pub.variable_de[c] for c in cellules if c in pub.variable_de},
            pub.bailleur_de,
        )
        return Lecteurs(sous)

    def connaissances(self, table: Table) -> dict[str, dict[str, tuple[float, bool]]]:
        """For each landlord, what it knows of each cell it has units in: its own units, and
        whether the whole cell is its own (`table`: the whole release)."""
        return {
            b: {c: (propre, toute) for c, (propre, _, toute) in self._parts(table, b).items()}
            for b in self.pub.bailleurs()
        }

    def noms(self) -> list[str]:
        return [EXTERIEUR] + self.pub.bailleurs()

    def _parts(self, table: Table, bailleur: str) -> dict[str, tuple[float, float, bool]]:
        if bailleur not in self._propres:
            pub = self.pub
            parts = {}
            for ident, membres in pub.membres.items():
                propres = [c for c in membres if pub.bailleur_de[c] == bailleur]
                if propres:
                    variable = pub.variable_de[ident]
                    valeur = sum(table.cellules[_id_base(c, variable)].valeur for c in propres)
                    autres = sum(
                        table.cellules[_id_base(c, variable)].borne_haute
                        for c in membres
                        if pub.bailleur_de[c] != bailleur
                    )
                    parts[ident] = (valeur, autres, len(propres) == len(membres))
            self._propres[bailleur] = parts
        return self._propres[bailleur]

    def relire(self, vue: Table, table: Table, lecteur: str) -> Table:
        """`lecteur`'s view built by `vue` from `table`, its statuses read again from `table`
        (cells hidden since): what `vue` would build now, without copying every cell again. Only
        the statuses change; a cell wholly the reader's own stays `force`."""
        if vue is table:  # the outsider reads the table itself
            return vue
        parts = self._parts(table, lecteur)
        for ident, cellule in table.cellules.items():
            part = parts.get(ident)
            if part is None or not part[2]:
                vue.cellules[ident].statut = cellule.statut
        return vue

    def vue(self, table: Table, lecteur: str) -> Table:
        """The table as `lecteur` reads it (the table itself for the outsider)."""
        if lecteur == EXTERIEUR:
            return table
        cellules = {}
        parts = self._parts(table, lecteur)
        for ident, cellule in table.cellules.items():
            copie = Cellule(**vars(cellule))
            part = parts.get(ident)
            if part is not None:
                propre, autres, toute = part
                if toute:
                    copie.statut = "force"
                else:  # what it knows of the cell: its own part exactly, the others' bounded
                    copie.propre = propre
                    copie.borne_haute = min(copie.borne_haute, propre + autres)
            cellules[ident] = copie
        vue = Table(
            cellules,
            table.relations,
            table.complements,
            initie=True,
            equivalentes=table.equivalentes,
            pieces=table.pieces,
        )
        vue._composantes = table.composantes()  # same relations, same components
        vue._complements_de = table._complements_de
        return vue
