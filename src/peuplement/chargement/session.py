"""What every step of one load shares: the study, the open warehouse, the load id and clock.

May import: `peuplement.etude` (and, for its type, the loader's `anticipation`). Nothing else
of the loader depends on it but the steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ..etude.configuration import Etude

if TYPE_CHECKING:
    from .anticipation import Anticipation


def sans_progression(_nom: str, _octets: int) -> None:
    return None


@dataclass
class Session:
    """One `peuplement charger`: every write goes through `con`, inside its single transaction."""

    etude: Etude
    con: duckdb.DuckDBPyConnection
    load_id: str
    progression: Callable[[str, int], None] = sans_progression  # (file, bytes done)
    anticipation: Anticipation | None = None  # the workbooks parsed ahead
    maintenant: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )

    def rel(self, chemin: Path) -> str:
        return chemin_relatif(self.etude, chemin)


def chemin_relatif(etude: Etude, chemin: Path) -> str:
    """How messages and the warehouse name a file: its path inside the study."""
    try:
        return str(chemin.relative_to(etude.dossier))
    except ValueError:
        return str(chemin)
