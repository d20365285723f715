"""A silent HiGHS solver (HiGHS prints a banner on the first model it creates), and the count
of the programs solved in this process (for the benchmarks: `compter`)."""

from __future__ import annotations

import os
from collections.abc import Callable

import highspy

_banniere_faite = False
_programmes = 0


def nouveau_solveur() -> highspy.Highs:
    global _banniere_faite
    if _banniere_faite:
        h = highspy.Highs()
    else:  # silence the one-off banner written to the process's standard output
        sauvegarde = os.dup(1)
        nul = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(nul, 1)
            h = highspy.Highs()
        finally:
            os.dup2(sauvegarde, 1)
            os.close(nul)
            os.close(sauvegarde)
        _banniere_faite = True
    h.setOptionValue("output_flag", False)
    return h


def resoudre(h: highspy.Highs) -> None:
    """Solve the model (every program of the secrecy engine goes through here, to be counted)."""
    global _programmes
    _programmes += 1
    h.run()


def programmes() -> int:
    """Programs solved so far in this process."""
    return _programmes


def compter(fonction: Callable, *arguments) -> tuple[object, int]:
    """`fonction(*arguments)` and the number of programs it solved (in whatever process the
    pool runs it: `parallele.executer(compter, [(fonction, *t) for t in taches])`)."""
    avant = _programmes
    resultat = fonction(*arguments)
    return resultat, _programmes - avant
