"""The audit solves each component as independent pieces (`audit.blocs`): published cells are
constants, zone sums are rewritten over their sub-zones, and only hidden cells linked by an
equation are solved together. It must give exactly the ranges of the undivided component, for
the outsider and for every landlord, on random small releases built as the warehouse builds them
(`publication.construire`: landlords × communes × IRIS, a partition, public dwellings)."""

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peuplement.secret.audit import auditer, blocs, cibles
from peuplement.secret.lecteurs import Lecteurs
from peuplement.secret.publication import construire

SEUIL = 11
IDENTITES = [("partition:p", "n", 1.0), ("partition:p", "a", -1.0), ("partition:p", "b", -1.0)]


@st.composite
def publications(draw, publiques=()):
    """A release: 2-3 landlords in 2 communes of 1-2 IRIS; count `n` = `a` + `b` in every
    elementary cell; rows for the EPCI, the communes and the IRIS, for all landlords and each;
    primaries below 11, random secondaries and `nd`; the variables `publiques` public (`force`,
    known to every reader, as the occupancy counts are in the warehouse)."""
    bailleurs = ["A", "B", "C"][: draw(st.integers(2, 3))]
    base, appartenances = [], []
    ident = 0
    for commune in ("K1", "K2"):
        for iris in [f"{commune}I{i}" for i in range(draw(st.integers(1, 2)))]:
            for bailleur in bailleurs:
                if not draw(st.booleans()) and ident:
                    continue
                ident += 1
                a, b = draw(st.integers(0, 30)), draw(st.integers(0, 30))
                logements = a + b + draw(st.integers(0, 5))
                for variable, valeur in (("n", a + b), ("a", a), ("b", b)):
                    base.append((ident, bailleur, variable, valeur, logements, True))
                appartenances += [(ident, "epci", "E"), (ident, "commune", commune)]
                appartenances.append((ident, "iris", iris))
    valeurs = {(c, v): x for c, _, v, x, _, _ in base}
    bailleur_de = {c: b for c, b, *_ in base}
    zones: dict[tuple[str, str], list[int]] = {}
    for c, maille, zone in appartenances:
        zones.setdefault((maille, zone), []).append(c)
    lignes = []
    for (maille, zone), membres in sorted(zones.items()):
        for bailleur in ["ensemble", *bailleurs]:
            propres = [c for c in membres if bailleur in ("ensemble", bailleur_de[c])]
            if not propres:
                continue
            for variable in ("n", "a", "b"):
                valeur = sum(valeurs[(c, variable)] for c in propres)
                tirage = draw(st.integers(0, 9))
                statut = "primaire" if valeur < SEUIL else "publie"
                if variable in publiques:
                    statut = "force"
                elif statut == "publie" and tirage < 3:
                    statut = "secondaire"
                elif tirage == 9:
                    statut = "masque_nd"
                lignes.append((maille, zone, bailleur, variable, valeur, statut, None))
    return construire(base, lignes, appartenances, IDENTITES)


def _intervalles(resultats):
    return {r.cible.id: (r.minimum, r.maximum, r.motif) for r in resultats}


def _memes(a, b) -> bool:
    if a.keys() != b.keys():
        return False
    for k, (bas, haut, motif) in a.items():
        bas2, haut2, motif2 = b[k]
        if motif != motif2:
            return False
        for x, y in ((bas, bas2), (haut, haut2)):
            if not (math.isinf(x) and x == y) and abs(x - y) > 1e-6 * max(1.0, abs(x)):
                return False
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_the_decomposed_audit_gives_the_ranges_of_the_undivided_one(pub):
    lecteurs = Lecteurs(pub)
    for nom in lecteurs.noms():
        vue = lecteurs.vue(pub.table, nom)
        entier = _intervalles(auditer(vue, SEUIL, exhaustif=True, decomposer=False))
        divise = _intervalles(auditer(vue, SEUIL, exhaustif=True))
        assert _memes(entier, divise), nom
        rapide = {
            k: m for k, (_, _, m) in _intervalles(auditer(vue, SEUIL, exhaustif=False)).items()
        }
        assert rapide == {k: m for k, (_, _, m) in entier.items()}, nom


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications(publiques=("n",)))
def test_witnessed_public_ranges_lower_the_requirements_as_exact_ones_do(pub):
    """`au_plus_public` keeps a witnessed range instead of the exact one when witnesses already
    show the requirements within reach: every reader's requirements must come out as they do
    when each target's public range is solved exactly (its two programs). With the total `n`
    public, a small part's public range is often below its requirement (both paths run)."""
    from peuplement.secret.audit import TOLERANCE, ModeleComposante, au_plus_public
    from peuplement.secret.modele import Cellule, Table

    lecteurs = Lecteurs(pub)
    for nom in lecteurs.noms():
        vue = lecteurs.vue(pub.table, nom)
        for cellules, relations in vue.composantes():
            liste = cibles(vue, cellules, relations, SEUIL)
            if not liste:
                continue
            publique = Table(
                {
                    c: vue.cellules[c]
                    if vue.cellules[c].statut == "force"
                    else Cellule(**{**vars(vue.cellules[c]), "statut": "masque_nd"})
                    for c in cellules
                },
                relations,
            )
            modele = ModeleComposante(publique, cellules, relations)
            attendues = []
            for t in liste:
                bas, haut = modele.extremes(t.termes)
                basse = t.exigence_basse if t.exigence_basse is None else max(t.exigence_basse, bas)
                haute = (
                    t.exigence_haute if t.exigence_haute is None else min(t.exigence_haute, haut)
                )
                interdite = t.exacte_interdite and haut - bas >= TOLERANCE * max(1.0, abs(t.valeur))
                attendues.append((basse, haute, interdite))
            au_plus_public(vue, cellules, relations, liste, {})
            for t, (basse, haute, interdite) in zip(liste, attendues, strict=True):
                assert t.exacte_interdite == interdite, (nom, t.id)
                for obtenue, attendue in ((t.exigence_basse, basse), (t.exigence_haute, haute)):
                    assert (obtenue is None) == (attendue is None), (nom, t.id)
                    if attendue is not None and math.isfinite(attendue):
                        assert abs(obtenue - attendue) <= 1e-6 * max(1.0, abs(attendue)), (
                            nom,
                            t.id,
                        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_the_landlords_tables_as_the_outsiders_witnesses_leave_the_pattern_as_it_is(pub):
    """A table a landlord's model finds is one the outsider must consider too: the protector
    hands the last ones to the outsider's witnesses (`Memoire.tables_des_bailleurs`). A target
    they prove would be proven by its own program anyway, so the pattern must be the one the
    protector gives without them, cell for cell."""
    from peuplement.secret import protection

    def motif(gardees: int) -> dict[str, str]:
        avant, protection.TABLES_DES_BAILLEURS = protection.TABLES_DES_BAILLEURS, gardees
        try:
            table = protection.proteger_publication(
                pub.table, SEUIL, pub.guides, Lecteurs(pub), processus=1
            )
        finally:
            protection.TABLES_DES_BAILLEURS = avant
        return {c: x.statut for c, x in table.cellules.items()}

    assert motif(protection.TABLES_DES_BAILLEURS) == motif(0)


def test_a_release_whose_zones_are_published_splits_by_zone():
    """The EPCI, communes and IRIS published, every landlord's IRIS row hidden: the EPCI sums
    every elementary cell, but written over its communes (published) it binds nothing, and each
    commune is its own piece."""
    base, appartenances, lignes = [], [], []
    ident = 0
    for commune in ("K1", "K2"):
        for iris in (f"{commune}I1", f"{commune}I2"):
            for bailleur, valeur in (("A", 20), ("B", 25)):
                ident += 1
                base.append((ident, bailleur, "n", valeur, 40, True))
                appartenances += [(ident, "commune", commune), (ident, "iris", iris)]
                appartenances.append((ident, "epci", "E"))
            lignes.append(("iris", iris, "ensemble", "n", 45, "publie", None))
            lignes += [
                ("iris", iris, b, "n", v, "secondaire", None) for b, v in (("A", 20), ("B", 25))
            ]
        lignes.append(("commune", commune, "ensemble", "n", 90, "publie", None))
        lignes += [
            ("commune", commune, b, "n", v, "publie", None) for b, v in (("A", 40), ("B", 50))
        ]
    lignes.append(("epci", "E", "ensemble", "n", 180, "publie", None))
    lignes += [("epci", "E", b, "n", v, "publie", None) for b, v in (("A", 80), ("B", 100))]
    table = construire(base, lignes, appartenances, []).table
    ((cellules, relations),) = table.composantes()
    liste = cibles(table, cellules, relations, SEUIL)
    morceaux = blocs(table, relations, liste)
    assert len(morceaux) == 2
    assert all(sum(table.cellules[c].cachee for c in b.cellules) == 4 for b in morceaux)


def _trois_variables():
    """3 landlords × 2 communes × 2 IRIS, three counts that no identity links: a release of
    three independent components, with primaries to protect in each."""
    base, appartenances, lignes = [], [], []
    valeurs = {}
    ident = 0
    for k, commune in enumerate(("K1", "K2")):
        for i, iris in enumerate((f"{commune}I1", f"{commune}I2")):
            for j, bailleur in enumerate(("A", "B", "C")):
                ident += 1
                appartenances += [(ident, "epci", "E"), (ident, "commune", commune)]
                appartenances.append((ident, "iris", iris))
                for v, variable in enumerate(("x", "y", "z")):
                    valeur = (7 * ident + 13 * v + 5 * j + 3 * i + k) % 37
                    valeurs[(ident, variable)] = valeur
                    base.append((ident, bailleur, variable, valeur, 60, True))
    zones: dict[tuple[str, str], list[int]] = {}
    for c, maille, zone in appartenances:
        zones.setdefault((maille, zone), []).append(c)
    bailleur_de = {c: b for c, b, *_ in base}
    for (maille, zone), membres in sorted(zones.items()):
        for bailleur in ("ensemble", "A", "B", "C"):
            propres = [c for c in membres if bailleur in ("ensemble", bailleur_de[c])]
            for variable in ("x", "y", "z"):
                valeur = sum(valeurs[(c, variable)] for c in propres)
                statut = "primaire" if valeur < SEUIL else "publie"
                lignes.append((maille, zone, bailleur, variable, valeur, statut, None))
    return construire(base, lignes, appartenances, [])


def test_one_or_two_processes_give_the_same_pattern_and_audit():
    from peuplement.secret.entrepot import auditer_lecteurs
    from peuplement.secret.protection import proteger_publication

    pub = _trois_variables()
    assert len(pub.table.composantes()) == 3
    mesures = [{}, {}]
    motifs = [
        proteger_publication(
            pub.table, SEUIL, pub.guides, Lecteurs(pub), processus=n, mesures=mesures[n - 1]
        )
        for n in (1, 2)
    ]
    statuts = [{c: x.statut for c, x in m.cellules.items()} for m in motifs]
    assert statuts[0] == statuts[1]
    assert "secondaire" in statuts[0].values()
    # what the benchmarks print: the same work whatever the number of processes
    assert mesures[0] == mesures[1]
    assert mesures[0]["composantes"] == 3 and mesures[0]["programmes"] > 0
    pub.table = motifs[0]  # the release with its final pattern
    comptes = [{}, {}]
    audits = [
        [
            (nom, r.cible.id, r.minimum, r.maximum, r.motif)
            for nom, r in auditer_lecteurs(pub, SEUIL, n, mesures=comptes[n - 1])
        ]
        for n in (1, 2)
    ]
    assert audits[0] == audits[1]
    assert audits[0] and all(motif is None for *_, motif in audits[0])
    assert comptes[0] == comptes[1] and comptes[0]["lecteurs"] == 4
    assert comptes[0]["programmes"] > 0


def test_the_measures_file_holds_counts_only_when_asked(tmp_path, monkeypatch):
    from peuplement.secret.entrepot import VARIABLE_MESURES, ecrire_mesures

    chemin = tmp_path / "mesures.jsonl"
    monkeypatch.delenv(VARIABLE_MESURES, raising=False)
    ecrire_mesures("masquage", {"programmes": 3})
    assert not chemin.exists()
    monkeypatch.setenv(VARIABLE_MESURES, str(chemin))
    ecrire_mesures("masquage", {"programmes": 3})
    ecrire_mesures("audit", {"programmes": 5, "cibles": 8})
    lignes = [json.loads(t) for t in chemin.read_text(encoding="utf-8").splitlines()]
    assert lignes == [
        {"etape": "masquage", "programmes": 3},
        {"etape": "audit", "programmes": 5, "cibles": 8},
    ]
