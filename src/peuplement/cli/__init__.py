"""The `peuplement` command (a thin layer): options, progress and French summaries.

This module only holds the group and registers the commands; each command group lives in its
own module (`etude`: initialiser, demo; `chargement`: charger; `anomalies`: anomalies;
`construction`: construire, exporter; `protection`: cles, registre, purger; `secret`: secret
proteger/auditer; `lot`: many studies at once), calls one domain package and renders its results
with an `affichage_*` module. Click itself speaks French (`francais`). The English names of the
first versions (`init`, `load`, `build`, `export`, `purge`, `keys init`, `register verify`...)
stay accepted as hidden aliases. Only this package prints.

May import: every domain package of `peuplement`, click and rich.
"""

from __future__ import annotations

import click

from .. import __version__
from .anomalies import anomalies
from .chargement import load
from .commun import console
from .construction import build, exporter_publication
from .etude import demo, init
from .francais import GroupeFr
from .lot import lot
from .protection import keys, purge, register
from .secret import secret


@click.group(cls=GroupeFr, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="%(prog)s, version %(version)s")
def main() -> None:
    """peuplement : entrepôt d'étude de peuplement du parc social (OPS, RPLS)."""


for _commande, _alias in (
    (init, ["init"]),
    (demo, []),
    (load, ["load"]),
    (anomalies, []),
    (build, ["build"]),
    (exporter_publication, ["export"]),
    (keys, ["keys"]),
    (register, ["register"]),
    (purge, ["purge"]),
    (secret, []),
    (lot, []),
):
    main.add_command(_commande, alias=_alias)

__all__ = ["console", "main"]

if __name__ == "__main__":
    main()
