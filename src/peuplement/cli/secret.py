"""`peuplement secret proteger` and `peuplement secret auditer`: the secrecy engine on a table given
as CSV files (cells, additive relations), outside any study.

May import: `peuplement.secret`, `.commun`, `.francais`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..erreurs import ErreurPeuplement
from .commun import echec
from .francais import GroupeFr, OptionFr


def _options_table(commande):
    """The table files and threshold shared by `secret proteger` and `secret auditer`."""
    for option in reversed(
        [
            click.option(
                "--cellules",
                "--cells",
                "cellules",
                cls=OptionFr,
                required=True,
                metavar="FICHIER",
                type=click.Path(exists=True, path_type=Path),
                help="Fichier des cellules (CSV, voir docs/secret.md).",
            ),
            click.option(
                "--relations",
                required=True,
                metavar="FICHIER",
                type=click.Path(exists=True, path_type=Path),
                help="Fichier des relations additives (CSV).",
            ),
            click.option(
                "--sortie",
                "--out",
                "sortie",
                cls=OptionFr,
                required=True,
                metavar="FICHIER",
                type=click.Path(path_type=Path),
                help="Fichier écrit (cellules protégées, ou résultat de l'audit).",
            ),
            click.option(
                "--seuil", default=11.0, show_default=True, help="Effectif minimum (0 : désactivé)."
            ),
        ]
    ):
        commande = option(commande)
    return commande


# `--methode auto`: the per-target method (with its pruning pass) up to this many cells; past
# it, the warehouse's method (a 6,432-cell table of 900 communes: 3.7 s, where the per-target
# method had not finished after 300 s)
CELLULES_CIBLEE = 1000


@click.group(cls=GroupeFr, alias={"protect": "proteger", "audit": "auditer"})
def secret() -> None:
    """Secret statistique : masquage secondaire et audit d'une table (fichiers CSV)."""


@secret.command("proteger")
@_options_table
@click.option(
    "--methode",
    type=click.Choice(["auto", "ciblee", "publication"]),
    default="auto",
    show_default=True,
    help="ciblee : un programme par cible exposée, puis chaque secondaire inutile republiée "
    "(petites tables, tables de référence) ; publication : la méthode de l'entrepôt (passe "
    "en nombres entiers sur les sommes entre zones, tables témoins, un programme par cible), "
    f"pour les grandes tables ; auto : ciblee jusqu'à {CELLULES_CIBLEE} cellules, publication "
    "au-delà (voir docs/secret.md).",
)
def protect(cellules: Path, relations: Path, sortie: Path, seuil: float, methode: str) -> None:
    """Masque les cellules complémentaires nécessaires, jusqu'à ce que l'audit passe."""
    from ..secret.audit import auditer, echecs
    from ..secret.modele import ecrire_cellules, lire_table
    from ..secret.protection import proteger, proteger_publication

    try:
        table = lire_table(cellules, relations)
        if methode == "auto":
            methode = "ciblee" if len(table.cellules) <= CELLULES_CIBLEE else "publication"
        if methode == "publication":
            table = proteger_publication(table, seuil, table.relations)
        else:
            table = proteger(table, seuil)
    except ErreurPeuplement as exc:
        echec(exc)
    ecrire_cellules(table, sortie)
    statuts = [c.statut for c in table.cellules.values()]
    restants = len(echecs(auditer(table, seuil, exhaustif=False)))  # the exact audit's verdicts
    Console().print(
        f"{len(statuts)} cellules : {statuts.count('primaire')} primaires, "
        f"{statuts.count('secondaire')} secondaires, {statuts.count('masque_nd')} non disponibles "
        f"(méthode {methode}) ; "
        f"audit : {'réussi' if restants == 0 else f'{restants} cible(s) exposée(s)'} → {sortie}",
        soft_wrap=True,  # a path is never cut mid-word
    )


@secret.command("auditer")
@_options_table
def audit(cellules: Path, relations: Path, sortie: Path, seuil: float) -> None:
    """Calcule ce qu'un attaquant peut déduire de chaque cellule masquée ; code 1 si exposée."""
    from ..secret.audit import auditer, echecs, ecrire_audit
    from ..secret.modele import lire_table

    try:
        resultats = auditer(lire_table(cellules, relations), seuil)
    except ErreurPeuplement as exc:
        echec(exc)
    ecrire_audit(resultats, sortie)
    ko = echecs(resultats)
    Console().print(f"{len(resultats)} cibles auditées, {len(ko)} exposée(s) → {sortie}")
    for r in ko[:20]:
        Console().print(
            f"  {r.cible.id} : [{r.minimum:g}, {r.maximum:g}] ({r.motif})", highlight=False
        )
    if ko:
        sys.exit(1)
