"""`peuplement lot`: load and build many studies (one folder per EPCI) in one run.

May import: `peuplement.lot`, `.commun`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..erreurs import ErreurPeuplement
from .commun import console, console_large, echec


@click.command()
@click.argument("dossiers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--travaux",
    type=click.IntRange(min=1),
    default=None,
    help="Nombre d'études traitées en même temps (par défaut : nombre de cœurs).",
)
@click.option(
    "--memoire",
    default="8GB",
    show_default=True,
    help="Mémoire de DuckDB pour tout le lot, partagée entre les études en cours.",
)
@click.option(
    "--etapes",
    type=click.Choice(["tout", "charger", "construire"]),
    default="tout",
    show_default=True,
    help="« tout » : chargement puis construction ; ou une seule des deux.",
)
def lot(dossiers: tuple[Path, ...], travaux: int | None, memoire: str, etapes: str) -> None:
    """Charge et construit plusieurs études en parallèle (un dossier d'étude par EPCI, ou un
    dossier qui les contient). Chaque étude garde son entrepôt, sa clé, son registre et ses
    exports ; le journal de chaque étape est dans <étude>/journal/lot_<étape>.log."""
    from ..lot.execution import ETAPES, Lot, trouver_etudes

    try:
        etudes = trouver_etudes(list(dossiers))
        moteur = Lot(ETAPES if etapes == "tout" else (etapes,), travaux, memoire)
    except ErreurPeuplement as exc:
        echec(exc)
    console.print(
        f"{len(etudes)} étude(s), {moteur.travaux} à la fois, "
        f"{moteur.env['PEUPLEMENT_MEMOIRE']} de mémoire DuckDB chacune."
    )
    with Progress(
        TextColumn("Lot d'études"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as barre:
        tache = barre.add_task("lot", total=len(etudes))
        try:
            resultats = moteur.executer(etudes, fin=lambda _r: barre.advance(tache))
        except KeyboardInterrupt:
            moteur.interrompre()
            console.print("Lot interrompu : les études en cours ont été arrêtées.")
            sys.exit(130)
    tableau = Table(title="Lot d'études")
    for titre in ("étude", "chargement", "construction", "durée", "résultat"):
        tableau.add_column(titre)
    for r in resultats:
        durees = {e.nom: f"{e.duree:.0f} s" + ("" if e.code == 0 else " (échec)") for e in r.etapes}
        tableau.add_row(
            r.dossier.name,
            durees.get("charger", "—"),
            durees.get("construire", "—"),
            f"{r.duree:.0f} s",
            "réussie" if r.reussie else r.message,
        )
    console_large().print(tableau)
    echecs = sum(not r.reussie for r in resultats)
    console.print(
        f"{len(resultats) - echecs} étude(s) réussie(s), {echecs} en échec."
        if echecs
        else f"Les {len(resultats)} études ont réussi."
    )
    sys.exit(1 if echecs else 0)
