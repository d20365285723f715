"""Benchmark: load a 200,000-row landlord xlsx with `peuplement load` vs pandas+openpyxl.

Both run in the same session on the same file, each in its own process so that its peak memory
(max RSS) is measured alone. Prints both times, the speed ratio and the memory of each.
Usage: python scripts/bench_load.py [--lignes 200000] [--dossier bench_out]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from peuplement.etude.configuration import initialiser_etude
from peuplement.synthetique import geographie
from peuplement.synthetique.bailleurs import RENDUS, canoniques
from peuplement.synthetique.ecrivains import ecrire_xlsx
from peuplement.synthetique.population import generer

BIN = Path(sys.executable).parent
MESURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "d = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(r.returncode, d, u.ru_maxrss, u.ru_utime + u.ru_stime)"
)
BASELINE = """
import sys, duckdb, pandas as pd
df = pd.read_excel(sys.argv[1], engine="openpyxl", header=None, dtype=str)
con = duckdb.connect(sys.argv[2])
con.execute("create table lignes as select * from df")
print(con.execute("select count(*) from lignes").fetchone()[0])
"""


def mesurer(commande: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak memory in MB, CPU seconds) of one command in its own process."""
    sortie = subprocess.run(
        [sys.executable, "-c", MESURE, *commande], capture_output=True, text=True, check=True
    )
    code, duree, rss_ko, cpu = sortie.stdout.split()
    if code != "0":
        raise SystemExit(f"échec de {commande}")
    return float(duree), int(rss_ko) / 1024, float(cpu)


def preparer(dossier: Path, lignes: int) -> Path:
    if dossier.exists():
        shutil.rmtree(dossier)
    etude = dossier / "etude"
    initialiser_etude(
        etude,
        nom="Banc d'essai",
        code_epci=geographie.CODE_EPCI,
        operateur="bench",
        mode="demonstration",
    )
    rng = np.random.default_rng(1)
    n = int(lignes * 1.02) + 100
    parc = generer(n, geographie.construire(n, rng), np.array([1.0]), np.array([0.85]), rng)
    idx = np.nonzero(parc.dans_ops)[0][: lignes - 1]  # + the planted duplicate = `lignes` rows
    communes = [c[0] for c in geographie.COMMUNES]
    ids = [f"ART-{i + 1:07d}" for i in range(len(idx))]
    rendu = RENDUS["ARTOIS"](canoniques(parc, idx, communes), ids, rng)
    chemin = etude / "bailleurs" / "ARTOIS" / "ops_2022.xlsx"
    chemin.parent.mkdir(parents=True)
    ecrire_xlsx(chemin, rendu.feuilles)
    return chemin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lignes", type=int, default=200_000)
    parser.add_argument("--dossier", type=Path, default=Path("bench_out"))
    args = parser.parse_args()
    debut = time.perf_counter()
    chemin = preparer(args.dossier, args.lignes)
    taille = chemin.stat().st_size / 2**20
    print(
        f"Fichier : {chemin} ({args.lignes:,} logements, {taille:.1f} Mo), "
        f"écrit en {time.perf_counter() - debut:.1f} s"
    )
    etude = args.dossier / "etude"
    t_p, m_p, c_p = mesurer([str(BIN / "peuplement"), "load", "--etude", str(etude)])
    t_b, m_b, c_b = mesurer(
        [sys.executable, "-c", BASELINE, str(chemin), str(args.dossier / "baseline.duckdb")]
    )
    print(
        f"peuplement load            : {t_p:7.1f} s ({c_p:5.1f} s de calcul), mémoire max "
        f"{m_p:5.0f} Mo (lecture, contrôles, quarantaine, rapprochement)"
    )
    print(
        f"pandas/openpyxl + DuckDB   : {t_b:7.1f} s ({c_b:5.1f} s de calcul), mémoire max "
        f"{m_b:5.0f} Mo (lecture brute)"
    )
    print(f"Rapport de vitesse         : {t_b / t_p:.1f}x (objectif ≥ 8x)")
    # DuckDB and the xlsx parser use several threads, the baseline one: on a loaded machine the
    # wall-clock ratio falls while the work done does not change; the CPU ratio says so.
    print(f"Rapport du temps de calcul : {c_b / c_p:.1f}x (processeur, fils d'exécution cumulés)")
    print(
        f"Mémoire / taille du fichier: {m_p / taille:.0f}x pour peuplement, "
        f"{m_b / taille:.0f}x pour la référence"
    )


if __name__ == "__main__":
    main()
