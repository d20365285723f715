"""Benchmark of the secrecy engine: protect + audit a whole release, and print the figures.

1. The demo release (synthetic study, all mailles, all landlords), as `dbt build` runs it:
   model built from the warehouse, secondary suppression, attacker's audit.
2. A département-size frequency table (~900 communes x IRIS x 5 categories, ~100,000
   households): the nested part of a release, built directly as cells and relations.
For each: cells, primaries, secondaries, hidden share, seconds; and, as a baseline measured in
the same run, the exhaustive audit (two programs per target) of the same pattern vs the
witness audit used in the warehouse.

    .venv/bin/python scripts/bench_secret.py [--logements 20000] [--communes 900] [--sans-base]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from peuplement.secret.audit import auditer, echecs
from peuplement.secret.modele import Cellule, Relation, Table
from peuplement.secret.protection import proteger_publication

RACINE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _rapport(nom: str, table: Table, protegee: Table, t_modele, t_proteger, t_audit, resultats):
    statuts = Counter(c.statut for c in protegee.cellules.values())
    publiables = sum(v for k, v in statuts.items() if k in ("publie", "primaire", "secondaire"))
    caches = statuts["primaire"] + statuts["secondaire"]
    print(f"\n== {nom}")
    print(
        f"cellules publiables {publiables:,} | primaires {statuts['primaire']:,} | "
        f"secondaires {statuts['secondaire']:,} | masquées {caches / max(publiables, 1):.1%}"
    )
    print(
        f"modèle {t_modele:.1f} s | masquage {t_proteger:.1f} s | audit {t_audit:.1f} s | "
        f"total {t_modele + t_proteger + t_audit:.1f} s | cibles {len(resultats):,}, "
        f"échecs {len(echecs(resultats))}"
    )


def _audits_compares(protegee: Table) -> None:
    t = time.perf_counter()
    rapides = auditer(protegee, 11, exhaustif=False)
    t_rapide = time.perf_counter() - t
    t = time.perf_counter()
    exacts = auditer(protegee, 11, exhaustif=True)
    t_exact = time.perf_counter() - t
    memes = {r.cible.id: r.motif for r in rapides} == {r.cible.id: r.motif for r in exacts}
    print(
        f"audit par témoins {t_rapide:.1f} s vs audit exhaustif (2 programmes par cible) "
        f"{t_exact:.1f} s : x{t_exact / max(t_rapide, 1e-9):.1f}, mêmes verdicts : {memes}"
    )


def release_demo(logements: int, comparer: bool) -> None:
    import duckdb

    from peuplement.secret import entrepot

    with tempfile.TemporaryDirectory() as tmp:
        etude = Path(tmp) / "etude"
        env = {**os.environ, "DO_NOT_TRACK": "1"}
        subprocess.run(
            [BIN / "peuplement", "demo", etude, "--logements", str(logements)],
            check=True,
            env=env,
            capture_output=True,
        )
        subprocess.run(
            [BIN / "peuplement", "load", "--etude", etude], check=True, env=env, capture_output=True
        )
        base = etude / "entrepot" / "peuplement.duckdb"
        subprocess.run(
            [
                BIN / "dbt",
                "build",
                "--select",
                "+int_secret__masquage",
                "--exclude",
                "int_secret__masquage",
                "--exclude-resource-type",
                "test",
                "--profiles-dir",
                RACINE,
                "--project-dir",
                RACINE,
                "--target-path",
                Path(tmp) / "target",
                "--log-path",
                Path(tmp) / "logs",
            ],
            check=True,
            env={**env, "PEUPLEMENT_DB": str(base)},
            capture_output=True,
        )
        con = duckdb.connect(str(base), read_only=True)
        t = time.perf_counter()
        pub = entrepot.publication(
            con.table("intermediate.int_secret__cellules_base"),
            con.table("intermediate.int_secret__cellules"),
            con.table("intermediate.int_secret__appartenances"),
            con.table("intermediate.int_secret__identites"),
            "statut_initial",
        )
        t_modele = time.perf_counter() - t
        t = time.perf_counter()
        protegee = proteger_publication(pub.table, 11, pub.guides)
        t_proteger = time.perf_counter() - t
        t = time.perf_counter()
        resultats = auditer(protegee, 11, exhaustif=False)
        t_audit = time.perf_counter() - t
        _rapport(
            f"publication de démonstration ({logements:,} logements, 7 mailles, réglage secret_mailles_bailleurs)",
            pub.table,
            protegee,
            t_modele,
            t_proteger,
            t_audit,
            resultats,
        )
        if comparer:
            _audits_compares(protegee)


def table_departement(communes: int, graine: int = 2022) -> Table:
    """Département -> communes -> IRIS (a commune of one IRIS is that IRIS), each zone split in 5
    categories; households per IRIS drawn around 55, categories by a multinomial."""
    rng = np.random.default_rng(graine)
    parts = np.array([0.35, 0.2, 0.15, 0.2, 0.1])
    cellules: dict[str, float] = {}
    relations: list[tuple[str, str, list[str]]] = []

    def zone(nom: str, valeurs: np.ndarray) -> None:
        cellules[nom] = float(valeurs.sum())
        for k in range(5):
            cellules[f"{nom}k{k}"] = float(valeurs[k])
        relations.append((f"cat_{nom}", nom, [f"{nom}k{k}" for k in range(5)]))

    def somme(nom: str, enfants: list[str]) -> None:
        relations.append((f"geo_{nom}", nom, enfants))
        for k in range(5):
            relations.append((f"geo_{nom}k{k}", f"{nom}k{k}", [f"{e}k{k}" for e in enfants]))

    racines, total = [], np.zeros(5)
    for c in range(communes):
        nb_iris = int(rng.choice([1, 1, 1, 2, 3, 4]))
        iris = []
        commune = np.zeros(5)
        for i in range(nb_iris):
            valeurs = rng.multinomial(int(rng.gamma(2.0, 27.0)) + 1, parts)
            zone(f"c{c}i{i}", valeurs)
            iris.append(f"c{c}i{i}")
            commune += valeurs
        if nb_iris > 1:
            zone(f"c{c}", commune)
            somme(f"c{c}", iris)
            racines.append(f"c{c}")
        else:
            racines.append(iris[0])
        total += commune
    zone("T", total)
    somme("T", racines)
    table = Table(
        {k: Cellule(k, v, "publie") for k, v in cellules.items()},
        [Relation(i, [(t, 1.0)] + [(p, -1.0) for p in ps]) for i, t, ps in relations],
    )
    for r in table.relations:  # primary rules: n < 11 (0 included) or total - n < 11
        if not r.id.startswith("cat_"):
            continue
        population = table.cellules[r.total()].valeur
        for p in [r.total(), *r.parties()]:
            cellule = table.cellules[p]
            if cellule.valeur < 11 or (p != r.total() and population - cellule.valeur < 11):
                cellule.statut = "primaire"
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logements", type=int, default=20_000)
    parser.add_argument("--communes", type=int, default=900)
    parser.add_argument(
        "--sans-base", action="store_true", help="sans la comparaison à l'audit exhaustif"
    )
    args = parser.parse_args()
    # the exhaustive audit of a 20,000-dwelling release takes many minutes: compare on small ones
    release_demo(args.logements, comparer=not args.sans_base and args.logements <= 5000)
    t = time.perf_counter()
    table = table_departement(args.communes)
    t_modele = time.perf_counter() - t
    t = time.perf_counter()
    protegee = proteger_publication(table, 11, table.relations)
    t_proteger = time.perf_counter() - t
    t = time.perf_counter()
    resultats = auditer(protegee, 11, exhaustif=False)
    t_audit = time.perf_counter() - t
    menages = table.cellules["T"].valeur
    _rapport(
        f"table départementale ({args.communes} communes, {menages:,.0f} ménages, 5 catégories)",
        table,
        protegee,
        t_modele,
        t_proteger,
        t_audit,
        resultats,
    )
    if not args.sans_base:
        _audits_compares(protegee)


if __name__ == "__main__":
    main()
