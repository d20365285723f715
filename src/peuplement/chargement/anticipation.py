"""Spreadsheets parsed one file ahead, in a background thread.

calamine releases the GIL while it parses a workbook (measured: a pure-Python loop runs at
nearly full speed beside it), so the parse of the next file to load runs on another core while
this one is turned into Python rows, checked and written. At most one workbook is parsed ahead
of the file being loaded (memory stays that of two files); CSV files and `.age` workbooks
(decrypted in memory by `fichier`) are read when their turn comes, as before.

May import: the loader's `lecture`.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .lecture import Analyse, analyser_tableur, est_tableur


class Anticipation:
    """Once given the files a load will read (`lancer`), parses their workbooks in this order,
    one ahead of the file being loaded. A context manager: leaving it waits for a parse still
    running (a load that failed) and drops those not started."""

    def __init__(self) -> None:
        self._a_venir: list[Path] = []
        self._futurs: dict[Path, Future[Analyse]] = {}
        self._executeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anticipation")

    def __enter__(self) -> Anticipation:
        return self

    def __exit__(self, *exc: object) -> None:
        self._executeur.shutdown(wait=True, cancel_futures=True)
        self._futurs.clear()

    def lancer(self, chemins: list[Path]) -> None:
        self._a_venir = [c for c in chemins if est_tableur(c) and c.suffix.lower() != ".age"]
        self._suivant(0)

    def _suivant(self, i: int) -> None:
        if i < len(self._a_venir) and self._a_venir[i] not in self._futurs:
            chemin = self._a_venir[i]
            self._futurs[chemin] = self._executeur.submit(analyser_tableur, chemin)

    def prendre(self, chemin: Path) -> Analyse | None:
        """The parsed workbook (waiting for its parse), the next one's parse started; None for
        a file that is not parsed ahead."""
        futur = self._futurs.pop(chemin, None)
        if futur is None:
            return None
        self._suivant(self._a_venir.index(chemin) + 1)
        return futur.result()
