"""What hiding a published cell costs (`publication.construire`): its value, ten times more per
level up the geography, twice for all landlords, and times the indicator lines of the
publication plan that read it (`int_secret__lignes`): a denominator takes every line reading it,
so it is a complement of last resort."""

from peuplement.secret.publication import construire

IDENTITES = [("partition:p", "n", 1.0), ("partition:p", "a", -1.0), ("partition:p", "b", -1.0)]


def _release(lignes=None):
    """Two landlords in one commune, each in an IRIS of its own (`n` = `a` + `b`), and a QPV made
    of the first IRIS's dwellings: its rows are that IRIS's cells under another name."""
    base, appartenances = [], []
    for ident, bailleur, a, b in ((1, "A", 20, 30), (2, "B", 15, 25)):
        for variable, valeur in (("n", a + b), ("a", a), ("b", b)):
            base.append((ident, bailleur, variable, valeur, a + b, True))
        appartenances += [(ident, "commune", "K"), (ident, "iris", f"I{ident}")]
    appartenances.append((1, "qpv", "Q"))
    valeurs = {"K": (90, 35, 55), "I1": (50, 20, 30), "I2": (40, 15, 25), "Q": (50, 20, 30)}
    mailles = {"K": "commune", "I1": "iris", "I2": "iris", "Q": "qpv"}
    rangs = [
        (mailles[zone], zone, "ensemble", variable, valeur, "publie", None)
        for zone, trio in valeurs.items()
        for variable, valeur in zip(("n", "a", "b"), trio, strict=True)
    ]
    return construire(base, rangs, appartenances, IDENTITES, lignes_plan=lignes)


def _cout(pub, maille: str, zone: str, variable: str) -> float:
    (ident,) = {
        i
        for e, i in pub.cellule_de.items()
        if (e.maille, e.code_zone, e.variable) == (maille, zone, variable)
    }
    return pub.table.cellules[ident].cout_masquage


def test_a_cell_costs_its_value_times_its_level_and_the_lines_reading_it():
    sans = _release()
    # the value, ten times per level (IRIS 1, commune 3), twice for all landlords
    assert _cout(sans, "iris", "I2", "a") == 15 * 10 * 2
    assert _cout(sans, "commune", "K", "n") == 90 * 1000 * 2
    lignes = {("commune", "n"): 5, ("commune", "a"): 1, ("iris", "b"): 2}
    avec = _release(lignes)
    assert _cout(avec, "commune", "K", "n") == 5 * _cout(sans, "commune", "K", "n")
    assert _cout(avec, "commune", "K", "a") == _cout(sans, "commune", "K", "a")
    assert _cout(avec, "iris", "I2", "b") == 2 * _cout(sans, "iris", "I2", "b")
    # a variable the plan does not list at a maille counts as one line
    assert _cout(avec, "iris", "I2", "a") == _cout(sans, "iris", "I2", "a")


def test_a_cell_carrying_several_rows_costs_the_lines_of_all_of_them():
    # the QPV holds exactly the first IRIS's dwellings: one model cell carries both rows, and
    # hiding it hides the lines of both mailles
    sans, avec = _release(), _release({("iris", "n"): 4, ("qpv", "n"): 3})
    assert _cout(avec, "qpv", "Q", "n") == _cout(avec, "iris", "I1", "n")
    assert _cout(avec, "iris", "I1", "n") == 7 * _cout(sans, "iris", "I1", "n")
    assert _cout(avec, "iris", "I2", "n") == 4 * _cout(sans, "iris", "I2", "n")
