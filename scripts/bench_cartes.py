"""Benchmark: CPU time of the maps of a built study, the CIL's (key indicators, PNG and SVG)
against the landlords' restitutions' (one indicator per theme, communes and QPV, PNG), and
what every key map of every landlord would cost. Prints the three and their ratios to the CIL.
Usage: python scripts/bench_cartes.py <etude> [<entrepot.duckdb>] (a study built with
`peuplement construire`, whose `referentiels/` holds contours, e.g. `make demo`'s; its warehouse
by default).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
from peuplement.cartographie.classes import CARTES_RESTITUTION, MAILLES_RESTITUTION
from peuplement.exports.donnees import lire, relations_entrepot


def cpu() -> float:
    """CPU seconds of this process and of its finished children (the maps' pool of processes)."""
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + enfants.ru_utime + enfants.ru_stime


def main() -> None:
    etude = Path(sys.argv[1])
    entrepot = sys.argv[2] if len(sys.argv) > 2 else etude / "entrepot" / "peuplement.duckdb"
    con = duckdb.connect(str(entrepot), read_only=True)
    pub = lire(relations_entrepot(con))
    con.close()
    fonds = charger_fonds(etude / "referentiels", zones_etude(pub), pub.geographie)
    restitution = pub.restitution()
    bailleurs = sorted({b for (_, _, b, _) in pub.restitutions})
    with tempfile.TemporaryDirectory() as dossier:
        debut = cpu()
        cil = dessiner_cartes(pub, fonds, Path(dossier) / "cil")
        t_cil = cpu() - debut
        mesures = {}
        for nom, options in {
            "restitutions": (CARTES_RESTITUTION, MAILLES_RESTITUTION),
            "restitutions, toutes les cartes clés": (),
        }.items():
            debut = cpu()
            n = sum(
                len(
                    dessiner_cartes(
                        restitution,
                        fonds,
                        Path(dossier) / nom / b,
                        *options,
                        formats=("png",),
                        bailleur=b,
                    )
                )
                for b in bailleurs
            )
            mesures[nom] = (n, cpu() - debut)
    print(f"CIL : {len(cil)} cartes (PNG et SVG), {t_cil:.1f} s de CPU")
    for nom, (n, t) in mesures.items():
        print(
            f"{nom} ({len(bailleurs)} bailleurs) : {n} cartes PNG, {t:.1f} s de CPU, "
            f"rapport à la CIL {t / t_cil:.2f}"
        )


if __name__ == "__main__":
    main()
