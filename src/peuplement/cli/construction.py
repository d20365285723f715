"""`peuplement build` and `peuplement export`: dbt build on the study, then the secrecy summary
and the exports written.

May import: `peuplement.construction`, `peuplement.etude`, `.affichage_construction`, `.commun`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..erreurs import ErreurPeuplement
from .commun import console_large, echec, option_etude, option_operateur


@click.command(context_settings={"ignore_unknown_options": True})
@option_etude
@option_operateur
@click.argument("arguments_dbt", nargs=-1, type=click.UNPROCESSED)
def build(dossier: Path, operateur: str | None, arguments_dbt: tuple[str, ...]) -> None:
    """Lance « dbt build » sur l'entrepôt de l'étude et l'inscrit au registre."""
    construire_et_resumer(dossier, operateur, list(arguments_dbt))


@click.command("export")
@option_etude
@option_operateur
def exporter_publication(dossier: Path, operateur: str | None) -> None:
    """Construit la publication (dbt build complet : tests du secret compris), écrit les exports
    et affiche les fichiers prêts à remettre."""
    construire_et_resumer(dossier, operateur, [])


def construire_et_resumer(dossier: Path, operateur: str | None, arguments: list[str]) -> None:
    """dbt build on the study, then the secrecy summary and the exports written; exits with
    dbt's code."""
    from ..construction.lancement import construire
    from ..etude.configuration import charger_etude
    from .affichage_construction import afficher_exports, afficher_synthese_secret

    try:
        etude = charger_etude(dossier)
        code = construire(etude, operateur, arguments)
        afficher_synthese_secret(etude, console_large())
        if code == 0:
            afficher_exports(etude, console_large())
    except ErreurPeuplement as exc:
        echec(exc)
    sys.exit(code)
