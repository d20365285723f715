"""Independent pieces of work (the components of a release's secrecy, the maps of an export)
run in a pool of processes. May import nothing of the package.

The result never depends on the number of processes: each task is a pure function of its
arguments, tasks are handed out largest first and their results returned in the order of the
tasks. `PEUPLEMENT_SECRET_PROCESSUS` (named after its first user) sets the number of
processes (default: the machine's cores; 1 runs everything in the calling process, without a
pool).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

VARIABLE = "PEUPLEMENT_SECRET_PROCESSUS"


def nombre_processus(processus: int | None = None) -> int:
    if processus is None:
        texte = os.environ.get(VARIABLE, "").strip()
        processus = int(texte) if texte.isdigit() else (os.cpu_count() or 1)
    return max(1, processus)


def _suivre_parent() -> None:
    """A worker ends with the process that started it (a killed `peuplement construire` stops
    dbt, whose pool must not compute on): Linux's PR_SET_PDEATHSIG, nothing elsewhere."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def executer(
    fonction: Callable,
    taches: Sequence[tuple],
    poids: Sequence[float] | None = None,
    processus: int | None = None,
) -> list:
    """`[fonction(*t) for t in taches]`, in a pool when there are several processes and
    tasks (`poids`: the expected size of each task, to start the largest first)."""
    n = min(nombre_processus(processus), len(taches))
    if n <= 1:
        return [fonction(*t) for t in taches]
    poids = poids if poids is not None else [0.0] * len(taches)
    ordre = sorted(range(len(taches)), key=lambda i: (-poids[i], i))
    # a fresh interpreter per worker: the caller (dbt) runs threads, which fork does not copy
    contexte = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n, mp_context=contexte, initializer=_suivre_parent) as pool:
        futurs = {i: pool.submit(fonction, *taches[i]) for i in ordre}
        return [futurs[i].result() for i in range(len(taches))]
