"""`peuplement construire` and `peuplement exporter`: dbt build on the study with French
progress by stage, then this build's outcome, the secrecy summary and the exports written.

May import: `peuplement.construction`, `peuplement.etude`, `peuplement.exports.commentaires` (to
check the analyst's commentary before dbt runs), `.affichage_construction`, `.commun`,
`.francais`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..erreurs import ErreurPeuplement
from .commun import console, console_large, echec, option_etude, option_operateur
from .francais import OptionFr

option_bavard = click.option(
    "--verbeux",
    "--verbose",
    "bavard",
    cls=OptionFr,
    is_flag=True,
    help="Affiche aussi le journal de dbt au fil de la construction (toujours gardé dans "
    "<étude>/entrepot/dbt/logs/dbt.log).",
)


@click.command("construire", context_settings={"ignore_unknown_options": True})
@option_etude
@option_operateur
@option_bavard
@click.argument("arguments_dbt", nargs=-1, type=click.UNPROCESSED, metavar="[ARGUMENTS_DBT]...")
def build(
    dossier: Path, operateur: str | None, bavard: bool, arguments_dbt: tuple[str, ...]
) -> None:
    """Lance « dbt build » sur l'entrepôt de l'étude et l'inscrit au registre.

    Les ARGUMENTS_DBT sont passés à dbt (par exemple « --select staging »)."""
    construire_et_resumer(dossier, operateur, list(arguments_dbt), bavard)


@click.command("exporter")
@option_etude
@option_operateur
@option_bavard
def exporter_publication(dossier: Path, operateur: str | None, bavard: bool) -> None:
    """Construit la publication (dbt build complet : tests du secret compris), écrit les exports
    et affiche les fichiers prêts à remettre."""
    construire_et_resumer(dossier, operateur, [], bavard)


def construire_et_resumer(
    dossier: Path, operateur: str | None, arguments: list[str], bavard: bool = False
) -> None:
    """dbt build on the study, then this build's outcome; exits with dbt's code (130 when
    interrupted)."""
    from ..construction.lancement import (
        construire,
        erreur_disque_plein_construction,
        erreur_memoire_construction,
    )
    from ..etude.configuration import charger_etude
    from ..exports.commentaires import lire_commentaires
    from .affichage_construction import (
        SuiviConstruction,
        afficher_echecs,
        afficher_exports,
        afficher_synthese_secret,
    )

    try:
        etude = charger_etude(dossier)
        # a malformed commentary would only fail the export, deep inside dbt: refuse it first
        lire_commentaires(etude.dossier)
        with SuiviConstruction(console, bavard) as suivi:
            construction = construire(etude, operateur, arguments, suivi)
        sortie = console_large()
        if construction.disque_plein:  # dbt's own messages (English, a traceback) stay in its log
            raise erreur_disque_plein_construction(etude)
        if construction.memoire_insuffisante is not None:  # same: dbt's traceback stays in its log
            raise erreur_memoire_construction(construction.memoire_insuffisante)
        suivi.bilan(construction, sortie)
        if not construction.interrompue:
            afficher_echecs(etude, construction, sortie)
            afficher_synthese_secret(etude, construction, sortie)
            if construction.code == 0:
                afficher_exports(etude, construction, sortie)
    except ErreurPeuplement as exc:
        echec(exc)
    sys.exit(construction.code)
