"""`peuplement charger`: load every new file of the study, with a progress bar and the
reconciliation report.

May import: `peuplement.chargement`, `peuplement.etude`, `.affichage_chargement`, `.commun`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from ..erreurs import ErreurPeuplement
from .commun import console, echec, option_etude, option_operateur


@click.command("charger")
@option_etude
@option_operateur
@click.option("--json", "en_json", is_flag=True, help="Affiche le rapprochement en JSON.")
def load(dossier: Path, operateur: str | None, en_json: bool) -> None:
    """Charge dans l'entrepôt tous les fichiers nouveaux de l'étude."""
    from ..chargement.chargeur import charger
    from ..chargement.livraisons import total_octets
    from ..etude.configuration import charger_etude
    from .affichage_chargement import afficher
    from .affichage_chargement import en_json as rapport_json

    try:
        etude = charger_etude(dossier)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as barre:
            tache = barre.add_task("Chargement", total=total_octets(etude))

            def progression(nom: str, octets: int) -> None:
                if nom:
                    barre.update(tache, description=f"Chargement de {nom}")
                barre.advance(tache, octets)

            resultat = charger(etude, operateur, progression)
    except ErreurPeuplement as exc:
        echec(exc)
    if en_json:
        click.echo(rapport_json(resultat))
    else:
        afficher(resultat, Console(width=max(120, Console().width)))
