"""Proofs piece by piece (`cloisons`): a table found in one commune, the sums across communes
pinned at their true shares and the other communes at their true values, is a table of the whole
component. The verdicts of the audit must not change with the cut, and a pattern the masking
finds with its components cut must pass the undivided audit, for the outsider and for every
landlord, on random small releases (`test_secret_decomposition.publications`: 2 communes)."""

from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from test_secret_decomposition import SEUIL, publications

from peuplement.secret import cloisons, protection
from peuplement.secret.audit import ModeleComposante, auditer
from peuplement.secret.cloisons import Cloisons
from peuplement.secret.lecteurs import Lecteurs

JAMAIS = 10**12


@contextmanager
def _coupees(minimum: int):
    """Components of at least `minimum` cells cut (0: all of them; `JAMAIS`: none)."""
    avant = cloisons.CELLULES_MIN, cloisons.CELLULES_MIN_MASQUAGE
    cloisons.CELLULES_MIN = cloisons.CELLULES_MIN_MASQUAGE = minimum
    try:
        yield
    finally:
        cloisons.CELLULES_MIN, cloisons.CELLULES_MIN_MASQUAGE = avant


def _verdicts(vue, minimum: int) -> dict[str, str | None]:
    with _coupees(minimum):
        return {r.cible.id: r.motif for r in auditer(vue, SEUIL, exhaustif=False)}


def _deux_communes(table) -> bool:
    return len(set(table.pieces.values())) == 2


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_the_audit_gives_the_same_verdicts_with_its_components_cut(pub):
    lecteurs = Lecteurs(pub)
    for nom in lecteurs.noms():
        vue = lecteurs.vue(pub.table, nom)
        assert _verdicts(vue, 0) == _verdicts(vue, JAMAIS), nom


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_a_pattern_masked_piece_by_piece_passes_the_undivided_audit(pub):
    with _coupees(0):
        table = protection.proteger_publication(
            pub.table, SEUIL, pub.guides, Lecteurs(pub), processus=1
        )
    lecteurs = Lecteurs(pub)
    for nom in lecteurs.noms():
        echecs = {k: m for k, m in _verdicts(lecteurs.vue(table, nom), JAMAIS).items() if m}
        assert not echecs, (nom, echecs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_a_release_over_two_communes_is_cut_into_two_pieces(pub):
    """Not vacuous: with cells in both communes, the component holding the EPCI's sums is cut
    into its two communes, each cut sum with one pinned share per commune."""
    table = pub.table
    if not _deux_communes(table):
        return
    (cellules, relations), *_ = sorted(table.composantes(), key=lambda c: -len(c[0]))
    with _coupees(0):
        coupe = Cloisons(table, cellules, relations)
    assert coupe.actives
    assert {coupe.piece_de[c] for c in coupe.cellules} == {"K1", "K2"}
    # a commune's figure for all landlords (a sum of several elementary cells) equals its
    # pinned share of the EPCI's; and no table of its piece moves a cell said pinned (`figees`)
    communes = {
        i
        for e, i in pub.cellule_de.items()
        if e.maille == "commune" and e.bailleur == "ensemble" and not i.startswith("base:")
    }
    assert communes <= coupe.figees
    coupee = coupe.table(table)
    for cellule in coupe.figees:
        morceau = coupe.morceau(coupe.piece_de[cellule])
        bas, haut = ModeleComposante(coupee, *morceau).extremes([(cellule, 1.0)])
        assert bas == pytest.approx(haut) == table.cellules[cellule].valeur, cellule
    for nom, epingle in coupe.epingles.items():
        piece = nom.split(":")[1]
        termes = [r for r in coupe.relations if r.termes[0][0] == nom]
        assert len(termes) == 1 and epingle.statut == "publie"
        (relation,) = termes
        assert all(coupe.piece_de[c] == piece for c, _ in relation.termes)
