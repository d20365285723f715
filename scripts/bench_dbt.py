"""Benchmark: `dbt build` time and peak memory on the default synthetic study and on a larger one.

Each study is generated, loaded with `peuplement load`, then built with `dbt build` in its own
process (max RSS of that process = DuckDB's memory). Prints both runs and their ratio.
Usage: python scripts/bench_dbt.py [--logements 5400000] [--dossier bench_out]
(the national size takes about 5 minutes to generate and 5 to load before the build itself).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RACINE = Path(__file__).resolve().parents[1]
MESURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(r.returncode, time.perf_counter() - t, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def mesurer(commande: list[str], env: dict) -> tuple[float, float]:
    sortie = subprocess.run(
        [sys.executable, "-c", MESURE, *commande],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=RACINE,
    )
    code, duree, rss = sortie.stdout.split()
    if code != "0":
        raise SystemExit(f"échec de {' '.join(commande)}")
    return float(duree), int(rss) / 2**20


def construire(dossier: Path, logements: int) -> tuple[float, float, float]:
    if dossier.exists():
        shutil.rmtree(dossier)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "PEUPLEMENT_DB": str(dossier / "entrepot" / "peuplement.duckdb"),
    }
    debut = time.perf_counter()
    subprocess.run(
        [str(BIN / "peuplement"), "demo", str(dossier), "--logements", str(logements)],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [str(BIN / "peuplement"), "load", "--etude", str(dossier)],
        check=True,
        capture_output=True,
        env=env,
    )
    preparation = time.perf_counter() - debut
    duree, memoire = mesurer(
        [
            str(BIN / "dbt"),
            "build",
            "--profiles-dir",
            str(RACINE),
            "--target-path",
            str(dossier / "target"),
            "--log-path",
            str(dossier / "logs"),
        ],
        env,
    )
    return preparation, duree, memoire


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logements", type=int, default=5_400_000)
    parser.add_argument("--dossier", type=Path, default=Path("bench_out"))
    args = parser.parse_args()
    resultats = {}
    for nom, n in (("défaut", 20_000), ("grande", args.logements)):
        preparation, duree, memoire = construire(args.dossier / f"etude_{n}", n)
        resultats[nom] = (n, duree, memoire)
        print(
            f"{nom:7s} {n:>10,} logements : dbt build {duree:7.1f} s, mémoire max {memoire:5.2f} Go "
            f"(génération + chargement {preparation:.0f} s)".replace(",", " ")
        )
    (n1, d1, m1), (n2, d2, m2) = resultats["défaut"], resultats["grande"]
    print(
        f"Rapport grande / défaut : {n2 / n1:.0f}x les logements, {d2 / d1:.1f}x le temps, "
        f"{m2 / m1:.1f}x la mémoire (objectif national : < 120 s et < 6 Go)"
    )


if __name__ == "__main__":
    main()
