"""The protector's first pass (`conditions`): one integer program meets, for every reader, the
conditions every safe pattern needs on the zone-level sums. Checked on random releases built as
the warehouse builds them, by code of its own: no sum leaves a reader exactly one hidden cell
among those it does not know (an `nd` cell is hidden but not protected), and no hidden parts of a known total add up, in the others' units,
below the threshold (where hiding more could avoid it); and the program never costs more than
the greedy pass it replaces, which meets the outsider's conditions."""

from hypothesis import HealthCheck, given, settings
from test_secret_decomposition import SEUIL, publications

from peuplement.secret.conditions import masquer_par_conditions, poids
from peuplement.secret.lecteurs import Lecteurs
from peuplement.secret.protection import masquer_par_relations


def _poids(table, avant: set[str]) -> float:
    return sum(
        poids(c) for i, c in table.cellules.items() if c.statut == "secondaire" and i not in avant
    )


def _violations(table, guides, connaissances) -> list[str]:
    """The conditions a pattern breaks, for each reader (independent of `conditions`)."""
    cellules = table.cellules
    trouvees = []
    for lecteur, connu in [("exterieur", {})] + sorted(connaissances.items()):
        for r in guides:
            toutes = [r.total()] + r.parties()
            inconnues = [c for c in toutes if not connu.get(c, (0.0, False))[1]]
            if len(inconnues) < 2:
                continue
            cachees = [c for c in inconnues if cellules[c].cachee]
            possibles = [
                c
                for c in inconnues
                if not cellules[c].cachee
                and cellules[c].statut == "publie"
                and cellules[c].valeur > 0
            ]
            protegee = len(cachees) == 1 and cellules[cachees[0]].statut != "masque_nd"
            if protegee and possibles:
                trouvees.append(f"{lecteur}: {cachees[0]} seule cachée dans {r.id}")
            total = r.total()
            if total in inconnues and cellules[total].cachee:
                continue
            if any(cellules[c].statut == "masque_nd" for c in cachees if c != total):
                continue  # an unknown part: the hidden parts' sum is not pinned
            parties = [c for c in cachees if c != total]
            autres = sum(cellules[c].valeur - connu.get(c, (0.0, False))[0] for c in parties)
            reste = sum(
                min(cellules[c].valeur - connu.get(c, (0.0, False))[0], SEUIL)
                for c in possibles
                if c != total
            ) + (SEUIL if total in possibles else 0.0)
            if parties and autres < SEUIL and autres + reste >= SEUIL:
                trouvees.append(f"{lecteur}: parties cachées de {r.id} sous le seuil ({autres})")
    return trouvees


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_the_first_pass_meets_every_reader_conditions_and_costs_no_more_than_the_greedy(pub):
    lecteurs = Lecteurs(pub)
    avant = {i for i, c in pub.table.cellules.items() if c.statut == "secondaire"}
    programme = pub.table.copie()
    connaissances = lecteurs.connaissances(programme)
    assert masquer_par_conditions(programme, pub.guides, SEUIL, connaissances) is not None
    assert _violations(programme, pub.guides, connaissances) == []

    exterieur = pub.table.copie()
    assert masquer_par_conditions(exterieur, pub.guides, SEUIL, {}) is not None
    glouton = pub.table.copie()
    masquer_par_relations(glouton, pub.guides, SEUIL)
    assert _violations(glouton, pub.guides, {}) == []  # the greedy meets the outsider's
    assert _poids(exterieur, avant) <= _poids(glouton, avant) * (1 + 1e-3) + 1e-9


def test_a_landlord_condition_asks_for_a_third_hidden_cell():
    """ensemble = A + B + C with C's count primary: hiding B alone protects C from the
    outsider, not from B (who knows its own cell): the landlords' conditions ask for more."""
    from peuplement.secret.publication import construire

    base, appartenances = [], []
    for ident, (bailleur, valeur) in enumerate([("A", 40), ("B", 30), ("C", 4)], start=1):
        base.append((ident, bailleur, "n", valeur, valeur, True))
        appartenances.append((ident, "commune", "K"))
    lignes = [("commune", "K", "ensemble", "n", 74, "publie", None)]
    lignes += [
        ("commune", "K", b, "n", v, "primaire" if v < SEUIL else "publie", None)
        for b, v in (("A", 40), ("B", 30), ("C", 4))
    ]
    pub = construire(base, lignes, appartenances, [])
    exterieur = pub.table.copie()
    masquer_par_conditions(exterieur, pub.guides, SEUIL, {})
    tous = pub.table.copie()
    connaissances = Lecteurs(pub).connaissances(tous)
    masquer_par_conditions(tous, pub.guides, SEUIL, connaissances)
    caches = lambda t: sorted(i for i, c in t.cellules.items() if c.cachee)  # noqa: E731
    assert len(caches(exterieur)) == 2  # C and the cheapest other landlord (B)
    assert len(caches(tous)) == 3  # against B, one more unknown must be hidden
    assert _violations(tous, pub.guides, connaissances) == []
    assert _violations(exterieur, pub.guides, connaissances) != []
