"""`peuplement initialiser` (a new study's folder) and `peuplement demo` (a synthetic study).

May import: `peuplement.etude`, `peuplement.synthetique`, `.commun`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..erreurs import ErreurPeuplement
from .commun import console, echec


@click.command("initialiser")
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option("--libelle", default="Étude de peuplement", help="Nom de l'étude.")
@click.option("--epci", "code_epci", default="000000000", help="SIREN de l'EPCI.")
@click.option("--libelle-epci", default="EPCI à renseigner", help="Nom de l'EPCI.")
@click.option("--millesime", default=2022, type=int, help="Année de l'enquête OPS.")
@click.option("--operateur", default="à renseigner", help="Personne en charge du traitement.")
@click.option("--fin-convention", default=None, help="Fin de la convention (AAAA-MM-JJ).")
@click.option("--etude", "ancien_nom", default=None, hidden=True)
def init(
    dossier: Path,
    libelle: str,
    code_epci: str,
    libelle_epci: str,
    millesime: int,
    operateur: str,
    fin_convention: str | None,
    ancien_nom: str | None,
) -> None:
    """Crée le dossier DOSSIER d'une nouvelle étude (etude.yml, bailleurs/, referentiels/...)."""
    from ..etude.configuration import charger_etude, initialiser_etude

    if ancien_nom is not None:  # the old spelling, where --etude was the study's name
        raise click.UsageError(
            "--etude désigne toujours le dossier d'une étude ; ici le dossier est l'argument "
            f"({dossier}) : donnez le nom de l'étude avec --libelle."
        )
    try:
        chemin = initialiser_etude(
            dossier, libelle, code_epci, libelle_epci, millesime, operateur, fin=fin_convention
        )
        etude = charger_etude(dossier)
    except ErreurPeuplement as exc:
        echec(exc)
    console.print(
        f"Étude créée : {chemin} (convention jusqu'au {etude.date_limite:%d/%m/%Y} : à vérifier "
        f"dans etude.yml). Déposez les fichiers de chaque bailleur dans "
        f"{dossier}/bailleurs/<CODE>/ et les référentiels dans {dossier}/referentiels/, "
        f"puis lancez « peuplement charger --etude {dossier} »."
    )


@click.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--logements",
    default=20_000,
    show_default=True,
    type=int,
    help="Nombre de logements du parc synthétique.",
)
@click.option("--graine", default=2022, show_default=True, type=int, help="Graine aléatoire.")
@click.option(
    "--communes",
    type=int,
    default=None,
    help="Nombre de communes de l'EPCI (1 à 100 ; par défaut les 14 communes de la "
    "CA d'Hénin-Carvin ; moins : les plus grandes ; plus : des communes synthétiques autour).",
)
@click.option(
    "--bailleurs",
    type=int,
    default=None,
    help="Nombre de bailleurs (par défaut 5, davantage à partir de 750 000 logements).",
)
@click.option("--force", is_flag=True, help="Remplace un dossier de démonstration existant.")
def demo(
    dossier: Path,
    logements: int,
    graine: int,
    communes: int | None,
    bailleurs: int | None,
    force: bool,
) -> None:
    """Écrit une étude synthétique complète (aucune donnée réelle) dans DOSSIER."""
    from ..synthetique.etude_demo import ecrire_etude_demo

    try:
        resume = ecrire_etude_demo(
            dossier,
            logements,
            graine,
            force=force,
            console=console,
            communes=communes,
            bailleurs=bailleurs,
        )
    except ErreurPeuplement as exc:
        echec(exc)
    Console().print(resume)
