"""A silent HiGHS solver (HiGHS prints a banner on the first model it creates)."""

from __future__ import annotations

import os

import highspy

_banniere_faite = False


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
