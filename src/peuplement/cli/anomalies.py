"""`peuplement anomalies`: the values the loader left unread, per source and column, with the
mapping lines that fix them (and, on request, a workbook for the landlord).

May import: `peuplement.chargement.anomalies`, `peuplement.etude`, `.commun`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..erreurs import ErreurPeuplement
from .commun import console_large, echec, option_etude, option_operateur


@click.command()
@option_etude
@option_operateur
@click.option("--bailleur", default=None, help="Code du bailleur (par défaut : tous).")
@click.option(
    "--xlsx",
    "classeur",
    default=None,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Écrit aussi les valeurs dans ce classeur (à renvoyer au bailleur, à compléter).",
)
def anomalies(dossier: Path, operateur: str | None, bailleur: str | None, classeur: Path | None):
    """Valeurs non lues au chargement, par bailleur et colonne, et correspondances proposées."""
    from ..chargement.anomalies import correspondances, ecrire_classeur, inscrire, relever
    from ..etude.configuration import charger_etude

    try:
        etude = charger_etude(dossier)
        sources = relever(etude, bailleur)
        if classeur is not None:
            ecrire_classeur(sources, classeur)
        inscrire(etude, operateur, sources, bailleur, classeur)
    except ErreurPeuplement as exc:
        echec(exc)
    sortie = console_large()
    if not sources:
        sortie.print("Aucune valeur non lue : toutes les valeurs chargées sont reconnues.")
        return
    for s in sources:
        if s.valeurs:
            table = Table(title=f"{s.nom} : valeurs non lues ({s.lignes()} ligne(s))")
            for titre in ("Colonne", "Champ", "Valeur", "Lignes", "Motif", "Code proposé"):
                table.add_column(titre, justify="right" if titre == "Lignes" else "left")
            for v in s.valeurs:
                table.add_row(
                    v.colonne,
                    v.champ,
                    v.valeur or "(vide)",
                    str(v.lignes),
                    v.code_raison,
                    v.proposition or "",
                )
            sortie.print(table)
        sortie.print(
            f"À ajouter dans {s.fichier_config} (puis relancer « peuplement charger ») :",
            highlight=False,
        )
        click.echo(correspondances(s))
    if classeur is not None:
        sortie.print(f"Classeur écrit : {classeur}", highlight=False)
