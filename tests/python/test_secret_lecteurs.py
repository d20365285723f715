"""Every reader is an attacker: a landlord reads the release with its own cells known exactly.

A small release (three landlords, one commune of two IRIS, one count) where a pattern the
outsider audit accepts lets one landlord recover another's hidden figure by subtracting its own
cells; the protector, given the landlords as readers, must produce a pattern every reader's audit
accepts."""

from hypothesis import HealthCheck, given, settings
from test_secret_decomposition import SEUIL as SEUIL_DECOMPOSITION
from test_secret_decomposition import publications

from peuplement.secret.audit import auditer, echecs
from peuplement.secret.entrepot import auditer_composante
from peuplement.secret.lecteurs import EXTERIEUR, Lecteurs
from peuplement.secret.protection import proteger_publication
from peuplement.secret.publication import Etiquette, construire

# landlord -> (IRIS 1, IRIS 2)
VALEURS = {"A": (40, 40), "B": (6, 30), "C": (30, 30)}
SEUIL = 11


def _publication(masquees: set[tuple[str, str]]):
    """The release: the commune and its IRIS for all landlords and for each one; the rows in
    `masquees` (zone, landlord) hidden (B in IRIS 1 is primary)."""
    base, appartenances, lignes = [], [], []
    ident = 0
    for bailleur, valeurs in VALEURS.items():
        for iris, valeur in zip(("I1", "I2"), valeurs, strict=True):
            ident += 1
            base.append((ident, bailleur, "x", valeur, 100, True))  # 100 dwellings each
            appartenances += [(ident, "commune", "K"), (ident, "iris", iris)]
    for maille, zone, bailleur in (
        [("commune", "K", "ensemble"), ("iris", "I1", "ensemble")]
        + [("iris", "I2", "ensemble")]
        + [
            (m, z, b)
            for b in VALEURS
            for m, z in (("commune", "K"), ("iris", "I1"), ("iris", "I2"))
        ]
    ):
        if bailleur == "ensemble":
            valeur = sum(v[0 if zone == "I1" else 1] for v in VALEURS.values())
            if zone == "K":
                valeur = sum(sum(v) for v in VALEURS.values())
        else:
            v = VALEURS[bailleur]
            valeur = {"K": sum(v), "I1": v[0], "I2": v[1]}[zone]
        statut = "publie"
        if (zone, bailleur) in masquees:
            statut = "primaire" if valeur < SEUIL else "secondaire"
        lignes.append((maille, zone, bailleur, "x", valeur, statut, None))
    return construire(base, lignes, appartenances, [])


def _echecs_par_lecteur(pub, table):
    lecteurs = Lecteurs(pub)
    return {nom: echecs(auditer(lecteurs.vue(table, nom), SEUIL)) for nom in lecteurs.noms()}


def test_a_landlord_breaks_a_pattern_the_outsider_accepts_and_the_engine_fixes_it():
    # B's count in IRIS 1 (6) is primary; hiding C in IRIS 1 and both in IRIS 2 protects it
    # against an outsider, but C knows its own cells: B in IRIS 1 = (B + C in IRIS 1) - C
    motif = {("I1", "B"), ("I1", "C"), ("I2", "B"), ("I2", "C")}
    pub = _publication(motif)
    par_lecteur = _echecs_par_lecteur(pub, pub.table)
    assert par_lecteur[EXTERIEUR] == []
    assert {r.cible.id for r in par_lecteur["C"]} >= {
        pub.cellule_de[Etiquette("iris", "I1", "B", "x")]
    }
    assert all(r.motif == "exact" for r in par_lecteur["C"])

    primaires = _publication({("I1", "B")})
    protegee = proteger_publication(primaires.table, SEUIL, primaires.guides, Lecteurs(primaires))
    assert all(not e for e in _echecs_par_lecteur(primaires, protegee).values())
    # the landlord's own knowledge is what forced the extra cells: the outsider alone needs fewer
    exterieur = proteger_publication(primaires.table, SEUIL, primaires.guides)
    secondaires = sum(c.statut == "secondaire" for c in protegee.cellules.values())
    assert secondaires > sum(c.statut == "secondaire" for c in exterieur.cellules.values())


def test_a_landlord_reads_its_own_rows_even_hidden():
    """Its own rows are known to it (forced in its view), never targets of its audit."""
    pub = _publication({("I1", "B"), ("I1", "C"), ("I2", "B"), ("I2", "C")})
    vue = Lecteurs(pub).vue(pub.table, "B")
    for zone in ("K", "I1", "I2"):
        assert (
            vue.cellules[
                pub.cellule_de[Etiquette("iris" if zone != "K" else "commune", zone, "B", "x")]
            ].statut
            == "force"
        )
    ensemble = vue.cellules[pub.cellule_de[Etiquette("iris", "I1", "ensemble", "x")]]
    # in the ensemble of IRIS 1, B knows its 6 units; the others hold at most their 200 dwellings
    assert ensemble.propre == 6 and ensemble.borne_haute == 6 + 200


def test_a_landlords_public_ranges_do_not_depend_on_the_pattern():
    """The protector keeps each reader's public ranges from round to round (`au_plus_public`'s
    memory): computed under one pattern, they must lower the requirements of another pattern's
    targets exactly as ranges computed afresh do."""
    from peuplement.secret.audit import au_plus_public, cibles

    def requirements(pub, memoire):
        vue = Lecteurs(pub).vue(pub.table, "C")
        ((cellules, relations),) = vue.composantes()
        liste = cibles(vue, cellules, relations, SEUIL)
        au_plus_public(vue, cellules, relations, liste, memoire)
        return {t.id: (t.exigence_basse, t.exigence_haute, t.exacte_interdite) for t in liste}

    memoire: dict = {}
    first = requirements(_publication({("I1", "B"), ("I1", "C")}), memoire)
    assert memoire
    later = _publication({("I1", "B"), ("I1", "C"), ("I2", "B"), ("I2", "C")})
    remembered = requirements(later, memoire)
    assert remembered == requirements(later, None)
    # the second pattern has targets the first had not: they were computed and kept too
    assert set(remembered) - set(first)


def test_a_view_read_again_after_cells_are_hidden_is_the_view_built_afresh():
    # the protector keeps each landlord's view from round to round and only reads the
    # statuses again (`Lecteurs.relire`): it must be the view `vue` would build now, a cell
    # wholly the reader's own staying `force`
    pub = _publication({("I1", "B")})
    lecteurs = Lecteurs(pub)
    table = pub.table.copie()
    vues = {nom: lecteurs.vue(table, nom) for nom in lecteurs.noms()}
    cachees = [
        i
        for e, i in pub.cellule_de.items()
        if (e.code_zone, e.bailleur) in {("I1", "C"), ("I2", "B"), ("K", "ensemble")}
    ]
    assert cachees
    for c in cachees:
        table.cellules[c].statut = "secondaire"
    for nom, vue in vues.items():
        relue = lecteurs.relire(vue, table, nom)
        neuve = lecteurs.vue(table, nom)
        assert {c: vars(x) for c, x in relue.cellules.items()} == {
            c: vars(x) for c, x in neuve.cellules.items()
        }
        if nom != EXTERIEUR:  # the reader's own hidden cells stay known
            propres = [i for e, i in pub.cellule_de.items() if e.bailleur == nom]
            assert {relue.cellules[i].statut for i in propres} == {"force"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_the_landlords_tables_as_the_outsiders_witnesses_change_no_verdict(pub):
    """The audit of a component runs the landlords first and gives their feasible tables to the
    outsider as witnesses (`audit.Reserve`): on random releases, safe or not, every reader's
    verdicts are those of its own audit."""
    lecteurs = Lecteurs(pub)
    for cellules, relations in pub.table.composantes():
        if not any(pub.table.cellules[c].cachee for c in cellules):
            continue
        sous = pub.table.sous_table(cellules, relations)
        restreints = lecteurs.restreints(cellules)
        ensemble = auditer_composante(sous, restreints, SEUIL_DECOMPOSITION)
        for nom, resultats in zip(restreints.noms(), ensemble, strict=True):
            seul = auditer(restreints.vue(sous, nom), SEUIL_DECOMPOSITION, exhaustif=False)
            assert [(r.cible.id, r.motif) for r in resultats] == [
                (r.cible.id, r.motif) for r in seul
            ], nom
