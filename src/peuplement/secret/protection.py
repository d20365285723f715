"""Secondary suppression: hide the fewest, cheapest published cells until the audit passes.

For each target the audit finds unsafe, a linear program looks for the cheapest alternative
table (a perturbation respecting every relation and public bound) that moves the target as far
as the rule requires while changing only hidden cells and as little published value as possible:
the published cells it has to move are the complements to hide. Then the release is audited
again, all relations at once, until it passes. Deterministic: same input, same pattern.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

import highspy
import numpy as np

from ..erreurs import ErreurPeuplement
from ..parallele import executer
from . import cloisons
from .audit import (
    TABLES_DES_BAILLEURS,
    Cible,
    ModeleComposante,
    Resultat,
    Structure,
    Temoins,
    au_plus_public,
    auditer,
    blocs,
    cibles,
    echecs,
)
from .cloisons import Cloisons
from .conditions import masquer_par_conditions
from .matrices import Matrice, deplacer, modele_deplacements
from .modele import Relation, Table
from .republication import republier
from .solveur import compter, programmes

SEUIL_CHANGEMENT = 1e-7


class ErreurProtection(ErreurPeuplement):
    """No set of complements can protect a cell (a rule that no table could satisfy)."""


# ranks frozen in turn: first only cells of rank 0 may become complements, then up to rank 1,
# then any (see `Cellule.rang`)
GELS = (1, 2, None)


def _amplitudes(cellule) -> tuple[float, float]:
    """How far a cell may move up and down within its public bounds."""
    hausse = cellule.borne_haute - cellule.valeur
    return (
        highspy.kHighsInf if math.isinf(hausse) else max(hausse, 0.0),
        max(cellule.valeur - cellule.borne_basse, 0.0),
    )


# a cell that moves in no table (a zero, a forced cell): its rank for `Perturbations._mobiles`
IMMOBILE = 10**9


class Perturbations:
    """The perturbation models of one component in one reader's view, kept from target to
    target. A cell hidden meanwhile moves freely and at no cost in every model already built,
    so later targets lean on the complements already chosen instead of hiding new ones; and
    each table found is a witness: a later target it moves as required needs no program (and
    no new complement).

    Each cell moves up and down (columns i and n + i) within its public bounds, the relations
    kept; a published cell's move costs its hiding cost; zeros, forced cells and published
    cells of rank `gel` or more never move (one whole-component model per rank frozen, see
    `GELS`), built from the relations' arrays (`matrices.Matrice`)."""

    def __init__(
        self, table: Table, cellules: list[str], relations, matrice: Matrice | None = None
    ):
        self.table, self.cellules = table, cellules
        self.matrice = matrice if matrice is not None else Matrice(cellules, relations)
        self.index = self.matrice.index
        self.n = n = len(cellules)
        self.modeles: dict = {}
        self.temoins: list[np.ndarray] = []  # the moves (up, down) of each table found
        self.haut, self.bas, self.couts = np.zeros(n), np.zeros(n), np.zeros(n)
        self.rangs = np.full(n, IMMOBILE, dtype=np.int64)  # -1: hidden, moves at every rank
        for i, c in enumerate(cellules):
            cellule = table.cellules[c]
            if cellule.cachee or (cellule.statut == "publie" and cellule.valeur > 0):
                self.haut[i], self.bas[i] = _amplitudes(cellule)
                if cellule.cachee:
                    self.rangs[i] = -1
                else:
                    self.rangs[i], self.couts[i] = cellule.rang, cellule.cout_masquage

    def _mobiles(self, gel: int | None) -> np.ndarray:
        return self.rangs < (IMMOBILE if gel is None else gel)

    def modele(self, gel: int | None) -> highspy.Highs:
        if gel not in self.modeles:
            mobiles = self._mobiles(gel)
            self.modeles[gel] = modele_deplacements(
                self.matrice,
                np.where(mobiles, self.haut, 0.0),
                np.where(mobiles, self.bas, 0.0),
                np.where(mobiles, self.couts, 0.0),
            )
        return self.modeles[gel]

    def liberer(self, cellules: list[str]) -> None:
        """Cells just hidden: free to move within their public bounds, at no cost (cells
        outside these models, e.g. another commune's, are skipped)."""
        indices = np.array([self.index[c] for c in cellules if c in self.index], dtype=np.int64)
        if not len(indices):
            return
        self.rangs[indices] = -1
        self.couts[indices] = 0.0
        colonnes = np.concatenate([indices, self.n + indices]).astype(np.int32)
        haut = np.concatenate([self.haut[indices], self.bas[indices]])
        for h in self.modeles.values():
            h.changeColsCost(len(colonnes), colonnes, np.zeros(len(colonnes)))
            h.changeColsBounds(len(colonnes), colonnes, np.zeros(len(colonnes)), haut)

    def _exigence(self, resultat: Resultat):
        """The target as (cell, coefficient) and the ranges its move must reach (one
        suffices)."""
        cible = resultat.cible
        termes = [(self.index[c], coef) for c, coef in cible.termes]
        motif = resultat.motif
        if motif == "exigence_basse":
            essais = [(-highspy.kHighsInf, cible.exigence_basse - cible.valeur)]
        elif motif == "exact":
            essais = [(1.0, highspy.kHighsInf), (-highspy.kHighsInf, -1.0)]
        else:
            essais = [(cible.exigence_haute - cible.valeur, highspy.kHighsInf)]
        return termes, essais

    def couverte(self, resultat: Resultat) -> bool:
        """Whether a table already found moves the target as required."""
        termes, essais = self._exigence(resultat)
        n = self.n
        colonnes = np.array([c for c, _ in termes] + [n + c for c, _ in termes], dtype=np.int64)
        valeurs = np.array([k for _, k in termes] + [-k for _, k in termes], dtype=float)
        for x in self.temoins:
            ecart = float(valeurs @ x[colonnes])
            if any(
                bas - SEUIL_CHANGEMENT <= ecart <= haut + SEUIL_CHANGEMENT for bas, haut in essais
            ):
                return True
        return False

    def proteger(self, resultat: Resultat) -> list[str]:
        """Published cells to hide so that the target can move as required (freed in the
        models at once: the caller hides them): none when a table already found moves it
        enough, else `complements`."""
        return [] if self.couverte(resultat) else self.complements(resultat)

    def table_alternative(
        self, resultat: Resultat, gels=GELS
    ) -> tuple[np.ndarray, list[str]] | None:
        """The program of the cheapest alternative table that moves the target as required:
        cells of rank 0 only if they suffice, then up to rank 1, then any (`gels`: the ranks
        tried); its moves and the published cells it moves, or None when no table fits. The
        models are left as they were (`retenir` records the table once its cells are hidden)."""
        termes, essais = self._exigence(resultat)
        n = self.n
        for gel in gels:
            x = deplacer(self.modele(gel), self.n, termes, essais)
            if x is not None:
                deplacees = np.flatnonzero(x[:n] + x[n : 2 * n] > SEUIL_CHANGEMENT)
                return x, [
                    self.cellules[i]
                    for i in deplacees
                    if not self.table.cellules[self.cellules[i]].cachee
                ]
        return None

    def retenir(self, x: np.ndarray, nouvelles: list[str]) -> None:
        """A table found, whose published cells moved (`nouvelles`) are hidden: they are freed
        in the models and the table is a witness for later targets."""
        self.liberer(nouvelles)
        self.temoins.append(x)

    def complements(self, resultat: Resultat) -> list[str]:
        """The published cells the cheapest alternative table moves (`table_alternative`),
        freed in the models at once (the caller hides them)."""
        trouvee = self.table_alternative(resultat)
        if trouvee is None:
            cible = resultat.cible
            raise ErreurProtection(
                f"impossible de protéger « {cible.id} » ({resultat.motif}) : aucune table "
                "compatible avec les relations et les bornes publiques ne l'éloigne assez de sa "
                "valeur"
            )
        x, nouvelles = trouvee
        self.retenir(x, nouvelles)
        return nouvelles


def masquer_par_relations(table: Table, guides: list[Relation], seuil: float) -> int:
    """Greedy first pass (cheap, no solver): in every sum whose total is published, a single
    hidden part, or hidden parts adding up to less than the threshold, are recovered or pinned
    by subtraction; hide the cheapest published part (smallest, then finest level) until neither
    holds. A hidden total whose parts are all published is hidden with one of them. Returns the
    number of cells hidden. The audit then checks the whole release."""
    cellules = table.cellules
    ajoutees = 0
    change = True
    while change:
        change = False
        for r in guides:
            total = r.total()
            parties = r.parties()
            cachees = [p for p in parties if cellules[p].cachee]
            # an `nd` cell is hidden but not protected: alone, it needs no partner, and beside
            # other hidden parts it keeps their sum unknown
            inconnue = any(cellules[p].statut == "masque_nd" for p in cachees)
            if cellules[total].cachee:
                besoin = not cachees and cellules[total].statut != "masque_nd"
            else:
                somme = sum(cellules[p].valeur for p in cachees)
                besoin = bool(cachees) and not inconnue and (len(cachees) == 1 or somme < seuil)
            if not besoin:
                continue
            candidates = [
                cellules[p]
                for p in parties
                if cellules[p].statut == "publie" and cellules[p].valeur > 0
            ]
            if not candidates and cellules[total].statut == "publie" and cellules[total].valeur > 0:
                candidates = [cellules[total]]
            if candidates:
                choisie = min(candidates, key=lambda c: (c.rang, c.cout_masquage, c.id))
                choisie.statut = "secondaire"
                ajoutees += 1
                change = True
    return ajoutees


def proteger(table: Table, seuil: float = 11, tours_max: int = 100, elaguer: bool = True) -> Table:
    """A copy of the table where secondary cells are hidden until the audit passes; then each
    secondary whose publication would keep the audit passing is published again (most costly
    first), so that every remaining secondary is needed. For reference-size tables (the file
    interface); a whole release goes through `proteger_publication`."""
    resultat = table.copie()
    for _ in range(tours_max):
        a_corriger = echecs(auditer(resultat, seuil))
        if not a_corriger:
            return elaguer_secondaires(resultat, seuil) if elaguer else resultat
        composante = {}
        for cellules, relations in resultat.composantes():
            modeles = Perturbations(resultat, cellules, relations)
            for c in cellules:
                composante[c] = modeles
        ajoutees = 0
        for echec in sorted(a_corriger, key=lambda r: r.cible.id):
            nouvelles = composante[echec.cible.termes[0][0]].proteger(echec)
            _masquer(nouvelles, resultat)
            ajoutees += len(nouvelles)
        if ajoutees == 0:
            motifs = ", ".join(f"{r.cible.id} ({r.motif})" for r in a_corriger[:5])
            raise ErreurProtection(
                f"le masquage ne progresse plus ; cibles encore exposées : {motifs}"
            )
    raise ErreurProtection(f"pas de masquage sûr après {tours_max} tours")


def elaguer_secondaires(table: Table, seuil: float) -> Table:
    """Publish again every secondary cell that the release does not need (most costly first).
    Publishing a cell changes only the piece of its component it belongs to (`audit.blocs`):
    only that piece is audited again, its relations as written in the table (a table of the
    file interface: no `Table.equivalentes`, whose targets would differ)."""
    if table.equivalentes:
        raise ValueError("elaguer_secondaires : table sans écritures équivalentes attendue")
    composante_de = {}
    for cellules, relations in table.composantes():
        for c in cellules:
            composante_de[c] = relations
    secondaires = sorted(
        (c for c in table.cellules.values() if c.statut == "secondaire"),
        key=lambda c: (-c.cout_masquage, c.id),
    )
    for cellule in secondaires:
        seule = Cible(cellule.id, [(cellule.id, 1.0)], cellule.valeur)
        (bloc,) = blocs(table, composante_de[cellule.id], [seule])
        morceau = table.sous_table(bloc.cellules, bloc.relations)  # cells shared
        cellule.statut = "publie"
        if echecs(auditer(morceau, seuil, exhaustif=False)):  # the verdicts of the exact audit
            cellule.statut = "secondaire"
    return table


def _expose(cible: Cible) -> Resultat:
    """An audit result stating what the target still needs (the threshold when it has one)."""
    if cible.exigence_haute is not None and cible.valeur < cible.exigence_haute:
        return Resultat(cible, cible.valeur - 1.0, cible.valeur)
    return Resultat(cible, cible.valeur, cible.valeur)


class Memoire:
    """What the rounds of one component keep from round to round and reader to reader: the
    relations as arrays (`Matrice`, they depend on the relations only), each reader's
    attacker's model and each reader's public ranges (`au_plus_public`, they do not depend on
    the pattern)."""

    def __init__(self):
        self.matrices: dict = {}
        self.portees: dict = {}
        self.modeles: dict = {}
        self.tables_inities: dict = {}
        self.structures: dict = {}
        self.decoupes: dict = {}

    def modele(self, vue: Table, lecteur, cellules: list[str], relations) -> ModeleComposante:
        """The reader's attacker's model of the component, kept from its last round: a round
        only hides cells, so the cells hidden since are freed in it (their true value stays
        within their public bounds: the last basis stays feasible and the next program starts
        from it, where a new model would start afresh)."""
        cle = (lecteur, id(relations))
        cachees = {c for c in cellules if vue.cellules[c].cachee}
        if cle in self.modeles:
            modele, avant = self.modeles[cle]
            if avant <= cachees:
                modele.liberer(vue, sorted(cachees - avant))
                self.modeles[cle] = (modele, cachees)
                return modele
        modele = ModeleComposante(vue, cellules, relations)
        self.modeles[cle] = (modele, cachees)
        return modele

    def matrice(self, cellules: list[str], relations) -> Matrice:
        if id(relations) not in self.matrices:
            self.matrices[id(relations)] = Matrice(cellules, relations)
        return self.matrices[id(relations)]

    def portees_publiques(self, lecteur: str | None, relations) -> dict:
        return self.portees.setdefault((lecteur, id(relations)), {})

    def structure(self, table: Table, cellules: list[str], relations) -> Structure:
        """What the targets are read from (`audit.Structure`): it depends on the relations only."""
        if id(relations) not in self.structures:
            self.structures[id(relations)] = Structure.de(table, cellules, relations)
        return self.structures[id(relations)]

    def cloisons(self, table: Table, cellules: list[str], relations) -> Cloisons:
        """The component cut into its pieces (`cloisons`): it depends on the relations only."""
        if id(relations) not in self.decoupes:
            self.decoupes[id(relations)] = Cloisons(
                table, cellules, relations, cloisons.CELLULES_MIN_MASQUAGE
            )
        return self.decoupes[id(relations)]

    def tables_des_bailleurs(self, cellules: list[str]) -> deque:
        """The last feasible tables the landlords' models found in this component (over
        `cellules`, in that order). A table a landlord must consider (its own cells at their
        values, hidden cells within bounds at least as tight as the public ones, published
        cells at their values when it was found: a round only hides more) is one the outsider
        must consider too: a witness for the outsider's targets, with no program."""
        return self.tables_inities.setdefault(tuple(cellules), deque(maxlen=TABLES_DES_BAILLEURS))


class Locales:
    """The alternative tables of each piece of a cut component (`cloisons`), in one reader's
    view: a table found in the target's commune, the shares of the sums across communes pinned
    and every other commune at its true values, is an alternative table of the whole component,
    with a program the size of one commune. Only tables hiding cells of rank 0 are taken from a
    piece (a higher rank goes to the whole component's program, which may find a lower one
    across communes)."""

    def __init__(self, cloisons: Cloisons, vue: Table, memoire: Memoire):
        self.cloisons, self.vue, self.memoire = cloisons, vue, memoire
        self.coupee: Table | None = None
        self.pieces: dict[str, Perturbations] = {}

    def de(self, cible: Cible) -> Perturbations | None:
        """The perturbations of the target's piece (None when it spans several or none)."""
        piece = self.cloisons.piece(cible)
        if piece is None:
            return None
        if piece not in self.pieces:
            if self.coupee is None:
                self.coupee = self.cloisons.table(self.vue)
            cellules, relations = self.cloisons.morceau(piece)
            self.pieces[piece] = Perturbations(
                self.coupee, cellules, relations, self.memoire.matrice(cellules, relations)
            )
        return self.pieces[piece]

    def liberer(self, cellules: list[str], sauf: Perturbations | None = None) -> None:
        """Cells just hidden, freed in every piece's models built so far (but `sauf`)."""
        for perturbations in self.pieces.values():
            if perturbations is not sauf:
                perturbations.liberer(cellules)


def _un_tour(
    vue: Table, resultat: Table, seuil: float, prouvees: set[str], memoire: Memoire, lecteur=None
) -> int:
    """One round of the release protector for one reader's view, in each component:
    witnesses pushing sums of targets prove what they can (`audit.Temoins`); then each target
    still open is first checked against the tables found so far, then gets a program of the
    attacker's model (is it safe already? most are, and that program is cheaper than the next
    one), then, if still open, the program of the cheapest alternative table
    (`Perturbations`: the complements already chosen in the round are free for the next
    targets, and the tables found are witnesses for them). The published cells to hide are
    hidden at once in `resultat` (and in the view, and freed in both models). `memoire`: what
    is kept from round to round and reader to reader (`Memoire`). Returns the number of
    targets that were still open."""
    ouvertes_total = 0
    for cellules, relations in vue.composantes():
        if not any(vue.cellules[c].cachee for c in cellules):
            continue
        structure = memoire.structure(vue, cellules, relations)
        liste = [
            t for t in cibles(vue, cellules, relations, seuil, structure) if t.id not in prouvees
        ]
        if not liste:
            continue
        modele = memoire.modele(vue, lecteur, cellules, relations)
        preuves = Temoins(modele, liste)
        tables = memoire.tables_des_bailleurs(cellules)
        if vue.initie:
            modele.tables = tables  # every table its programs find, kept for the outsider
        else:
            for x in tables:
                preuves.retenir(x)
        coupe = memoire.cloisons(vue, cellules, relations)
        coupe.prouver(vue, preuves)
        preuves.pousser_sommes()
        if vue.initie and preuves.ouvertes().any():
            # lower what its own cells make public, then witnesses again
            au_plus_public(
                vue,
                cellules,
                relations,
                [liste[i] for i in np.flatnonzero(preuves.ouvertes())],
                memoire.portees_publiques(lecteur, relations),
            )
            preuves.relire()
            preuves.pousser_sommes()
        ouvertes = preuves.ouvertes()
        prouvees.update(t.id for t, o in zip(liste, ouvertes, strict=True) if not o)
        ouvertes_total += int(ouvertes.sum())
        if not ouvertes.any():
            continue
        perturbations = Perturbations(
            vue, cellules, relations, memoire.matrice(cellules, relations)
        )
        locales = Locales(coupe, vue, memoire)
        for i in np.flatnonzero(ouvertes):
            t = liste[i]
            expose = _expose(t)
            if not preuves.ouvertes()[i] or perturbations.couverte(expose):
                prouvees.add(t.id)
                continue
            locale = locales.de(t)
            trouvee = None
            if locale is not None:  # the target's commune first (`cloisons`)
                if locale.couverte(expose):
                    prouvees.add(t.id)
                    continue
                trouvee = locale.table_alternative(expose, gels=GELS[:1])
                if trouvee is not None and not trouvee[1]:  # moves with nothing more hidden
                    locale.retenir(*trouvee)
                    prouvees.add(t.id)
                    continue
            # a piece's table that hides cells: the whole component's own program of the
            # target almost never proves it then (6 of 181 on the 20k demo, all cut)
            if trouvee is None and preuves.pousser(i):
                prouvees.add(t.id)
                continue
            if trouvee is not None:
                x, nouvelles = trouvee
                locale.retenir(x, nouvelles)
                perturbations.liberer(nouvelles)
            else:
                nouvelles = perturbations.complements(expose)
                if not nouvelles:  # movable as required without hiding anything more
                    prouvees.add(t.id)
            locales.liberer(nouvelles, sauf=locale if trouvee is not None else None)
            _masquer(nouvelles, vue, resultat)  # at once: the next targets lean on them
            modele.liberer(vue, nouvelles)
    return ouvertes_total


def _masquer(cellules: list[str], *tables: Table) -> None:
    for table in tables:
        for c in cellules:
            table.cellules[c].statut = "secondaire"


def proteger_publication(
    table: Table,
    seuil: float,
    guides: list[Relation],
    lecteurs=None,
    tours_max: int = 100,
    processus: int | None = None,
    mesures: dict | None = None,
) -> Table:
    """Secondary suppression for a large release, component by component: the first pass on
    its zone-level sums (every reader's conditions as one integer program, `conditions`; the
    greedy pass if it finds no solution), then rounds where, for each reader (each landlord
    when `lecteurs` is given, see `lecteurs.Lecteurs`, then the outsider), its exposed targets
    are protected. A target once proven for a reader stays proven: hiding more cells only widens
    what an attacker must consider. The components share no cell and no relation, so each
    one goes through its own rounds, in a pool of `processus` processes (see `parallele`):
    the same pattern whatever their number. The final verdict belongs to the audit
    (`auditer`), run separately.
    `mesures` (a dict, when given) receives what the benchmarks print: components protected,
    cells of the largest, programs solved."""
    avant = programmes()
    resultat = table.copie()
    guides_de: dict[int, list[Relation]] = defaultdict(list)  # a component's zone-level sums
    composante_de = {
        c: k for k, (cellules, _) in enumerate(resultat.composantes()) for c in cellules
    }
    for guide in guides:
        guides_de[composante_de[guide.termes[0][0]]].append(guide)
    taches, poids = [], []
    for k, (cellules, relations) in enumerate(resultat.composantes()):
        if not any(resultat.cellules[c].cachee for c in cellules):
            continue
        restreints = lecteurs.restreints(cellules) if lecteurs is not None else None
        taches.append(
            (proteger_composante, resultat.sous_table(cellules, relations), seuil, restreints,
             tours_max, guides_de[k])
        )  # fmt: skip
        poids.append(len(cellules))
    resolus = programmes() - avant
    for (masquees, republiees), n in executer(compter, taches, poids, processus):
        _masquer(masquees, resultat)
        for c in republiees:
            resultat.cellules[c].statut = "publie"
        resolus += n
    if mesures is not None:
        mesures.update(
            composantes=len(taches), plus_grande=max(poids, default=0), programmes=resolus
        )
    return resultat


def proteger_composante(
    table: Table, seuil: float, lecteurs, tours_max: int, guides: list[Relation] = ()
) -> tuple[list[str], list[str]]:
    """The first pass on the component's zone-level sums (`guides`: every reader's conditions
    as one integer program, `conditions`; the greedy pass if it finds no solution), the rounds
    of `proteger_publication` on one component (a table of its own), then the final pass that
    publishes again the secondaries no reader's audit needs (`republication`): the cells
    hidden as secondaries and the cells published again (hidden before this call), both
    sorted. The conditions only bear on the sums of one component: one program per component
    finds the same cost as one for the whole release (20k demo: 734 cells hidden either way,
    weights 98,667.8 and 98,665.6, within the program's gap) in less time (MIP 11.6 s -> 5.3 s
    in all, spread over the pool's processes)."""
    # the landlords first, the outsider last: a landlord knows more (its feasible tables are
    # the outsider's with its own cells fixed) and asks more (the threshold on the others'
    # units), so the complements hidden for the landlords protect most of the outsider's
    # targets already (largest 100k component: 193 -> 176 s CPU; commune shares up on the 20k
    # demo, see docs/secret.md)
    noms = lecteurs.noms()[1:] + lecteurs.noms()[:1] if lecteurs is not None else [None]
    prouvees: dict[str | None, set[str]] = {nom: set() for nom in noms}
    avant = {c for c, cellule in table.cellules.items() if cellule.cachee}
    if guides:
        connaissances = lecteurs.connaissances(table) if lecteurs is not None else {}
        if masquer_par_conditions(table, guides, seuil, connaissances) is None:
            masquer_par_relations(table, guides, seuil)
    memoire = Memoire()
    # each reader's view built once, its statuses read again at each round
    vues = {nom: table if nom is None else lecteurs.vue(table, nom) for nom in noms}
    for _ in range(tours_max):
        ouvertes_total = 0
        for nom in noms:
            vue = vues[nom] if nom is None else lecteurs.relire(vues[nom], table, nom)
            ouvertes_total += _un_tour(vue, table, seuil, prouvees[nom], memoire, nom)
        if ouvertes_total == 0:
            republiees = set(republier(table, seuil, lecteurs))
            return (
                sorted(
                    c for c, cellule in table.cellules.items() if cellule.cachee and c not in avant
                ),
                sorted(republiees & avant),
            )
    raise ErreurProtection(f"pas de masquage sûr après {tours_max} tours")
