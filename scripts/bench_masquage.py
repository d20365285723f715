"""Benchmark: the masking of a built study replayed outside dbt, and where its time goes.

Reads the secrecy models of a built warehouse (`intermediate.int_secret__*`, a study built by
`peuplement construire`), runs the masking again in this process (one process, so that every
program is seen: `PEUPLEMENT_SECRET_PROCESSUS=1`), and prints its seconds, the seconds spent
in HiGHS, the programs solved grouped by caller and by model size (columns), and how many
cells end with another status than the build's (0 unless the code changed since the build).
Counts and seconds only: no value of the warehouse is printed. Clear warehouses only (demo
studies, `mode: demonstration`), opened read-only.

Usage: python scripts/bench_masquage.py <etude> [--lignes 25]
"""

from __future__ import annotations

import argparse
import collections
import os
import time
import traceback
from pathlib import Path

os.environ["PEUPLEMENT_SECRET_PROCESSUS"] = "1"  # before the engine reads it

import duckdb  # noqa: E402

from peuplement.secret import audit, conditions, entrepot, matrices, solveur  # noqa: E402

CLES = ("maille", "code_zone", "bailleur", "code_variable", "statut")


def taille(colonnes: int) -> str:
    for borne in (1_000, 5_000, 20_000):
        if colonnes < borne:
            return f"< {borne:,}".replace(",", "\u202f")
    return ">= 20\u202f000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("etude", type=Path)
    parser.add_argument("--lignes", type=int, default=25)
    args = parser.parse_args()
    con = duckdb.connect(str(args.etude / "entrepot" / "peuplement.duckdb"), read_only=True)

    def modele(nom: str):
        return con.sql(f"select * from intermediate.{nom}")

    comptes: dict[tuple[str, str], list] = collections.defaultdict(lambda: [0, 0.0])
    resoudre = solveur.resoudre

    def resoudre_mesure(h) -> None:
        debut = time.perf_counter()
        resoudre(h)
        pile = traceback.extract_stack(limit=6)[:-1]
        appelants = " < ".join(f.name for f in reversed(pile[-4:]))
        ligne = comptes[(appelants, taille(h.getNumCol()))]
        ligne[0] += 1
        ligne[1] += time.perf_counter() - debut

    for module in (solveur, audit, conditions, matrices):
        module.resoudre = resoudre_mesure
    seuil, secondaire = entrepot.parametres(modele("int_secret__parametres"))
    debut = time.perf_counter()
    sortie = entrepot.masquer(
        modele("int_secret__cellules_base"),
        modele("int_secret__cellules"),
        modele("int_secret__appartenances"),
        modele("int_secret__identites"),
        modele("int_secret__disponibilites"),
        seuil=seuil,
        secondaire=secondaire,
        lignes=modele("int_secret__lignes"),
    )
    duree = time.perf_counter() - debut
    construit = set(
        con.sql(f"select {', '.join(CLES)} from intermediate.int_secret__masquage").fetchall()
    )
    rejoue = set(zip(*(sortie.column(c).to_pylist() for c in CLES), strict=True))
    programmes = sum(n for n, _ in comptes.values())
    print(
        f"masquage rejoué : {duree:.1f} s, dont {sum(t for _, t in comptes.values()):.1f} s dans "
        f"HiGHS, {programmes} programmes ; cellules au statut différent de la construction : "
        f"{len(construit - rejoue)} sur {len(construit)}"
    )
    print(f"\n{'secondes':>9} {'programmes':>11} {'colonnes':>10}  appelants")
    for (appelants, colonnes), (n, t) in sorted(comptes.items(), key=lambda kv: -kv[1][1])[
        : args.lignes
    ]:
        print(f"{t:>9.1f} {n:>11} {colonnes:>10}  {appelants}")


if __name__ == "__main__":
    main()
