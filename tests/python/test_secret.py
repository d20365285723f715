"""The secrecy engine on the public reference tables, through its CSV file interface, plus
properties on random hierarchical tables."""

import csv
import json
from pathlib import Path

import pytest
from aides import peuplement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peuplement.secret.audit import auditer, echecs
from peuplement.secret.modele import Cellule, Relation, Table, lire_table
from peuplement.secret.protection import proteger, proteger_publication


def _references():
    """The public reference tables, kept with their sources in the repository's test data."""
    chemin = Path(__file__).resolve().parents[1] / "data" / "sdc_reference_tables.json"
    return {r["id"]: r for r in json.loads(chemin.read_text(encoding="utf-8"))}


def ecrire_table_2d(ref, dossier: Path, caches: set[str], pourcentage: float | None = None):
    """Cells and relations CSV files of a two-way table with its margins."""
    lignes, colonnes, interieur = ref["rows"], ref["cols"], ref["inner"]
    valeurs = dict(interieur)
    for r in lignes:
        valeurs[f"{r}|T"] = sum(interieur[f"{r}|{c}"] for c in colonnes)
    for c in colonnes:
        valeurs[f"T|{c}"] = sum(interieur[f"{r}|{c}"] for r in lignes)
    valeurs["T|T"] = sum(interieur.values())
    with open(dossier / "cellules.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["cell_id", "value", "status", "lower", "upper", "exigence_basse", "exigence_haute"]
        )
        for k, v in valeurs.items():
            exigences = ["", ""]
            if k in caches and pourcentage:
                exigences = [v * (1 - pourcentage / 100), v * (1 + pourcentage / 100)]
            w.writerow([k, v, "primaire" if k in caches else "publie", 0, "", *exigences])
    with open(dossier / "relations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["relation_id", "cell_id", "coefficient"])
        for r in lignes:
            w.writerows(
                [[f"ligne_{r}", f"{r}|T", 1]] + [[f"ligne_{r}", f"{r}|{c}", -1] for c in colonnes]
            )
        for c in colonnes:
            w.writerows(
                [[f"col_{c}", f"T|{c}", 1]] + [[f"col_{c}", f"{r}|{c}", -1] for r in lignes]
            )
        w.writerows([["marge_l", "T|T", 1]] + [["marge_l", f"{r}|T", -1] for r in lignes])
        w.writerows([["marge_c", "T|T", 1]] + [["marge_c", f"T|{c}", -1] for c in colonnes])


def _secret(commande: str, dossier: Path, sortie: Path, *options: str):
    """Run `peuplement secret <commande>` on the table files written in `dossier`."""
    return peuplement(
        "secret",
        commande,
        "--cellules",
        str(dossier / "cellules.csv"),
        "--relations",
        str(dossier / "relations.csv"),
        "--sortie",
        str(sortie),
        *options,
    )


def _lire_csv(chemin):
    with open(chemin, newline="") as f:
        return list(csv.DictReader(f))


def test_tau_argus_manual_audit_intervals(tmp_path):
    ref = _references()["tau_manual_audit_2x2"]
    ecrire_table_2d(ref, tmp_path, set(ref["suppressed"]))
    sortie = _secret("auditer", tmp_path, tmp_path / "audit.csv", "--seuil", "0")
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    intervalles = {
        r["target"]: [float(r["min"]), float(r["max"])] for r in _lire_csv(tmp_path / "audit.csv")
    }
    assert intervalles == {
        k: [float(a), float(b)] for k, (a, b) in ref["expected_intervals"].items()
    }


def test_optimal_suppression_case_of_tau_argus_and_sdctable(tmp_path):
    ref = _references()["checkTauArgus_ex1_OPT_MAN20"]
    ecrire_table_2d(ref, tmp_path, set(ref["primary"]), pourcentage=ref["protection_level_pct"])
    sortie = _secret("proteger", tmp_path, tmp_path / "protege.csv", "--seuil", "0")
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    secondaires = {
        r["cell_id"] for r in _lire_csv(tmp_path / "protege.csv") if r["status"] == "secondaire"
    }
    assert secondaires == set(ref["expected_secondary"])


def test_two_suppressions_per_row_are_not_enough(tmp_path):
    ref = _references()["sdcTable_simpleheuristic_4x4"]
    ecrire_table_2d(ref, tmp_path, set(ref["primary"]))
    table = lire_table(tmp_path / "cellules.csv", tmp_path / "relations.csv")
    avant = {r.cible.id: (r.minimum, r.maximum) for r in auditer(table, seuil=0)}
    assert avant["w|b"] == tuple(ref["expected_before"]["w|b"])
    protegee = proteger(table, seuil=0)
    assert {k for k, c in protegee.cellules.items() if c.statut == "secondaire"} == set(
        ref["expected_secondary"]
    )
    apres = {r.cible.id: (r.minimum, r.maximum) for r in auditer(protegee, seuil=0)}
    assert apres["w|b"] == tuple(ref["expected_after"]["w|b"])
    assert not echecs(auditer(protegee, seuil=0))


def test_protection_is_deterministic(tmp_path):
    ref = _references()["sdcTable_simpleheuristic_4x4"]
    ecrire_table_2d(ref, tmp_path, set(ref["primary"]))
    sorties = []
    for k in range(2):
        sortie = tmp_path / f"protege_{k}.csv"
        _secret("proteger", tmp_path, sortie)
        sorties.append(sortie.read_bytes())
    assert sorties[0] == sorties[1] and sorties[0]


def test_audit_exit_code_flags_an_exposed_release(tmp_path):
    ref = _references()["sdcTable_simpleheuristic_4x4"]
    ecrire_table_2d(ref, tmp_path, set(ref["primary"]))
    sortie = _secret("auditer", tmp_path, tmp_path / "audit.csv", "--seuil", "0")
    assert sortie.returncode == 1 and "w|b : [47, 47] (exact)" in sortie.stdout


@st.composite
def tables_hierarchiques(draw):
    """Total -> regions -> zones, each zone split in categories, small counts."""
    regions = draw(st.integers(2, 3))
    zones = draw(st.integers(2, 3))
    categories = draw(st.integers(2, 3))
    cellules, relations = {}, []
    total_general = 0
    for r in range(regions):
        total_region = 0
        for z in range(zones):
            valeurs = [draw(st.integers(0, 40)) for _ in range(categories)]
            for k, v in enumerate(valeurs):
                cellules[f"r{r}z{z}c{k}"] = v
            cellules[f"r{r}z{z}"] = sum(valeurs)
            relations.append(
                (f"zone_r{r}z{z}", f"r{r}z{z}", [f"r{r}z{z}c{k}" for k in range(categories)])
            )
            total_region += sum(valeurs)
        cellules[f"r{r}"] = total_region
        relations.append((f"region_r{r}", f"r{r}", [f"r{r}z{z}" for z in range(zones)]))
        total_general += total_region
    cellules["T"] = total_general
    relations.append(("total", "T", [f"r{r}" for r in range(regions)]))
    table = Table(
        # primary rule of the convention: 0 <= n < 11 (zeros included: the 0 % rule)
        {k: Cellule(k, v, "primaire" if v < 11 else "publie") for k, v in cellules.items()},
        [Relation(i, [(t, 1.0)] + [(p, -1.0) for p in ps]) for i, t, ps in relations],
    )
    return table


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_hierarchiques())
def test_protected_random_tables_pass_the_audit_and_need_every_secondary(table):
    protegee = proteger(table, seuil=11)
    assert not echecs(auditer(protegee, seuil=11))
    for cellule in protegee.cellules.values():
        if cellule.statut == "secondaire":
            cellule.statut = "publie"
            assert echecs(auditer(protegee, seuil=11)), f"{cellule.id} n'était pas nécessaire"
            cellule.statut = "secondaire"


def test_the_engine_refuses_an_impossible_requirement():
    table = Table(
        {"T": Cellule("T", 5, "publie"), "a": Cellule("a", 5, "primaire")},
        [Relation("r", [("T", 1.0), ("a", -1.0)])],
    )
    from peuplement.erreurs import ErreurPeuplement

    with pytest.raises(ErreurPeuplement, match="impossible de protéger"):
        proteger(table, seuil=11)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_hierarchiques(), st.randoms(use_true_random=False))
def test_the_witness_audit_gives_the_exhaustive_verdicts(table, hasard):
    """The fast audit (witness tables, then one program per unproven target) must reach the same
    verdict as two exact programs per target, on any pattern, safe or not."""
    for cellule in table.cellules.values():
        if cellule.statut == "publie" and hasard.random() < 0.3:
            cellule.statut = "secondaire"
    exacts = {r.cible.id: r.motif for r in auditer(table, seuil=11, exhaustif=True)}
    rapides = {r.cible.id: r.motif for r in auditer(table, seuil=11, exhaustif=False)}
    assert rapides == exacts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_hierarchiques())
def test_the_release_protector_passes_the_exhaustive_audit(table):
    """The protector used in the warehouse (greedy pass, witnesses, elastic programs) leaves no
    exposed target for the exact audit."""
    protegee = proteger_publication(table, 11, guides=table.relations)
    assert not echecs(auditer(protegee, seuil=11, exhaustif=True))
    primaires = {c.id for c in table.cellules.values() if c.statut == "primaire"}
    assert primaires == {c.id for c in protegee.cellules.values() if c.statut == "primaire"}


def _commune_et_iris(dossier: Path, nature: str | None) -> None:
    """A commune of 20 households = IRIS 1 (5, primary; 5 dwellings, public) + IRIS 2 (15) +
    IRIS 3 (0): the relation written as a population or as a sum of zones."""
    with open(dossier / "cellules.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cell_id", "value", "status", "lower", "upper"])
        w.writerows([["K", 20, "publie", 0, ""], ["I1", 5, "primaire", 0, 5]])
        w.writerows([["I2", 15, "publie", 0, ""], ["I3", 0, "publie", 0, ""]])
    with open(dossier / "relations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["relation_id", "cell_id", "coefficient"] + (["nature"] if nature else []))
        for cellule, k in (("K", 1), ("I1", -1), ("I2", -1), ("I3", -1)):
            w.writerow(["geo_K", cellule, k] + ([nature] if nature else []))


def test_a_sum_of_zones_is_not_a_population(tmp_path):
    """Read as a population, hiding IRIS 2 leaves the commune minus IRIS 2 (= IRIS 1, at most
    5 by its public bound) provably below 11: no pattern passes the 100 % rule. Declared as a
    sum of zones (`nature` = `somme`), the rule does not apply and IRIS 2 protects IRIS 1."""
    _commune_et_iris(tmp_path, None)
    sortie = _secret("proteger", tmp_path, tmp_path / "protege.csv")
    assert sortie.returncode == 2 and "impossible de protéger" in sortie.stdout + sortie.stderr
    _commune_et_iris(tmp_path, "somme")
    sortie = _secret("proteger", tmp_path, tmp_path / "protege.csv")
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    statuts = {r["cell_id"]: r["status"] for r in _lire_csv(tmp_path / "protege.csv")}
    assert statuts == {"K": "publie", "I1": "primaire", "I2": "secondaire", "I3": "publie"}
    (tmp_path / "cellules.csv").write_bytes((tmp_path / "protege.csv").read_bytes())
    audit = _secret("auditer", tmp_path, tmp_path / "audit.csv")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_an_unknown_relation_nature_is_refused_in_french(tmp_path):
    _commune_et_iris(tmp_path, "zone")
    sortie = _secret("proteger", tmp_path, tmp_path / "protege.csv")
    texte = " ".join((sortie.stdout + sortie.stderr).split())  # the console wraps lines
    assert sortie.returncode == 2
    assert "relations.csv, ligne 2 : nature « zone » inconnue" in texte
    assert "attendues : population ou somme" in texte and "Traceback" not in texte


def test_a_large_table_goes_to_the_warehouse_method_by_default(tmp_path):
    """`--methode auto` (the default): past CELLULES_CIBLEE cells, the per-target method would
    take minutes (a 900-commune table: not finished after 300 s); the warehouse's method is
    chosen, and its pattern passes the exact audit."""
    import random

    from peuplement.cli.secret import CELLULES_CIBLEE

    hasard = random.Random(7)
    lignes = [f"z{i:03d}" for i in range(300)]
    colonnes = ["a", "b", "c", "d"]
    interieur = {
        f"{r}|{c}": hasard.choice([2, 5, 9, 14, 30, 60, 120]) for r in lignes for c in colonnes
    }
    caches = {k for k, v in interieur.items() if 0 < v < 11}
    ecrire_table_2d({"rows": lignes, "cols": colonnes, "inner": interieur}, tmp_path, caches)
    assert len(interieur) + len(lignes) + len(colonnes) + 1 > CELLULES_CIBLEE
    sortie = _secret("proteger", tmp_path, tmp_path / "protege.csv")
    assert sortie.returncode == 0, sortie.stderr
    assert "méthode publication" in sortie.stdout and "audit : réussi" in sortie.stdout
    protegee = lire_table(tmp_path / "protege.csv", tmp_path / "relations.csv")
    assert sum(c.statut == "secondaire" for c in protegee.cellules.values()) > 0
    assert not echecs(auditer(protegee, 11))  # exact ranges, two programs per target
