"""The `peuplement` command (a thin layer): options, progress and French summaries.

This module only holds the group and registers the commands; each command group lives in its
own module (`etude`: init, demo; `chargement`: load; `anomalies`: anomalies; `construction`: build, export;
`protection`: keys, register, purge; `secret`: secret protect/audit; `lot`: many studies at
once), calls one domain package and renders its results with an `affichage_*` module. Only
this package prints.

May import: every domain package of `peuplement`, click and rich.
"""

from __future__ import annotations

import click

from .. import __version__
from .anomalies import anomalies
from .chargement import load
from .construction import build, exporter_publication
from .etude import demo, init
from .lot import lot
from .protection import keys, purge, register
from .secret import secret


@click.group()
@click.version_option(__version__)
def main() -> None:
    """peuplement : entrepôt d'étude de peuplement du parc social (OPS, RPLS)."""


for _commande in (
    init,
    load,
    anomalies,
    demo,
    build,
    exporter_publication,
    purge,
    keys,
    register,
    secret,
    lot,
):
    main.add_command(_commande)


if __name__ == "__main__":
    main()
