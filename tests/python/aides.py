"""Helpers shared by the tests: open the warehouse, run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

RACINE = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def base(dossier: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(dossier / "entrepot" / "peuplement.duckdb"), read_only=True)


def peuplement(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command-line tool."""
    environnement = {k: v for k, v in os.environ.items() if k != "PEUPLEMENT_DB"}
    environnement.update(env or {})
    return subprocess.run(
        [str(BIN / "peuplement"), *args],
        capture_output=True,
        text=True,
        env=environnement,
        cwd=RACINE,
    )
