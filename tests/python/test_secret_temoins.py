"""Witnesses during the protector's rounds: a target pushed on its own in the attacker's model
(`audit.Temoins.pousser`) must see the cells hidden since the model was built
(`ModeleComposante.liberer`), or it would wrongly call a target unsafe (extra complements) —
and never call an unsafe one safe."""

from peuplement.secret.audit import Cible, ModeleComposante, Temoins, auditer, echecs
from peuplement.secret.modele import Cellule, Relation, Table
from peuplement.secret.protection import proteger


def _table() -> Table:
    """T = a + b + c: a (4) is primary, b and c published."""
    cellules = {
        "T": Cellule("T", 40.0),
        "a": Cellule("a", 4.0, "primaire"),
        "b": Cellule("b", 16.0),
        "c": Cellule("c", 20.0),
    }
    return Table(cellules, [Relation("r", [("T", 1.0), ("a", -1.0), ("b", -1.0), ("c", -1.0)])])


def _cible_a() -> Cible:
    return Cible("a", [("a", 1.0)], 4.0, None, 11.0)  # its maximum must reach the threshold


def test_a_target_alone_among_published_cells_stays_open():
    table = _table()
    cellules, relations = table.composantes()[0]
    preuves = Temoins(ModeleComposante(table, cellules, relations), [_cible_a()])
    assert not preuves.pousser(0)  # a = T - b - c exactly
    assert preuves.maximum[0] == preuves.minimum[0] == 4.0


def test_a_cell_hidden_during_the_round_is_freed_in_the_model():
    table = _table()
    cellules, relations = table.composantes()[0]
    modele = ModeleComposante(table, cellules, relations)
    preuves = Temoins(modele, [_cible_a()])
    assert not preuves.pousser(0)
    table.cellules["b"].statut = "secondaire"  # hidden by an earlier target of the round
    assert not preuves.pousser(0)  # the model was built before: b is still fixed there
    modele.liberer(table, ["b"])
    assert preuves.pousser(0)  # a + b = 20 now: a can reach 20
    assert preuves.maximum[0] >= 11.0
    # and the audit agrees that hiding b protects a
    assert not echecs(auditer(table, 11))


def test_the_protector_hides_one_complement_and_the_audit_passes():
    protegee = proteger(_table(), 11)
    secondaires = [c for c, x in protegee.cellules.items() if x.statut == "secondaire"]
    assert len(secondaires) == 1
    assert not echecs(auditer(protegee, 11))


def test_a_cell_pinned_by_its_public_bounds_is_no_target_to_move():
    """A primary 0 whose public bound is 0 (a résidence without occupied dwellings: 0
    households) is known exactly by everyone: the protector must not fail on it (a 100,000-
    dwelling demo stopped there: « impossible de protéger … (exact) »), and the audit accepts
    it, while the small figure beside it is still protected."""
    table = _table()
    table.cellules["z"] = Cellule("z", 0.0, "primaire", 0.0, 0.0)
    table.relations[0].termes.append(("z", -1.0))
    assert {r.motif for r in auditer(table, 11)} - {None}  # a = T - b - c still exposed
    protegee = proteger(table, 11)
    assert not echecs(auditer(protegee, 11))
    assert protegee.cellules["b"].statut == "secondaire" or protegee.cellules["c"].statut == (
        "secondaire"
    )
