"""What every command of the `peuplement` CLI shares: the consoles, the French error exit and the
`--etude` / `--operateur` options. Importing it makes Click speak French (`.francais`).

May import: `peuplement.erreurs`, `.francais`, click and rich. Imported by every command module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console

from .francais import installer

installer()

console = Console(stderr=True)


def echec(exc: Exception) -> NoReturn:
    """A user-facing error: French message on stderr, exit code 2, never a traceback. Not
    wrapped by the console: a path it names is never cut by a line break."""
    console.print(f"[bold red]Erreur :[/bold red] {exc}", highlight=False, soft_wrap=True)
    sys.exit(2)


def console_large() -> Console:
    """A console wide enough for the summary tables, even when the output is not a terminal."""
    return Console(width=max(110, Console().width))


AIDE_ETUDE = "Dossier de l'étude."

option_etude = click.option(
    "--etude",
    "dossier",
    required=True,
    metavar="DOSSIER",
    type=click.Path(path_type=Path),
    help=AIDE_ETUDE,
)
option_operateur = click.option(
    "--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml)."
)
