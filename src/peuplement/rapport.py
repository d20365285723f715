"""Human-readable and JSON renderings of a load's reconciliation."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from .chargement import ResultatChargement
from .controles import RAISONS
from .lignes import RAISONS_IGNOREES

STATUTS = {"charge": "chargé", "deja_charge": "déjà chargé", "retire": "retiré"}


def en_json(resultat: ResultatChargement) -> str:
    return json.dumps(
        {
            "load_id": resultat.load_id,
            "files": [r.en_dict() for r in resultat.fichiers],
            "remarques": resultat.remarques,
        },
        ensure_ascii=False,
        indent=2,
    )


def _raisons(comptes: dict[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in comptes.items())


def afficher(resultat: ResultatChargement, console: Console) -> None:
    table = Table(title=f"Chargement {resultat.load_id}", show_lines=False)
    for titre, just in (
        ("Fichier", "left"),
        ("Bailleur", "left"),
        ("Statut", "left"),
        ("Lues", "right"),
        ("Chargées", "right"),
        ("Quarantaine", "right"),
        ("Ignorées", "right"),
        ("Avert.", "right"),
        ("Raisons", "left"),
    ):
        table.add_column(titre, justify=just)
    total = [0, 0, 0, 0, 0]
    for r in resultat.fichiers:
        avert = sum(r.avertissements.values())
        chiffres = [r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_skipped, avert]
        total = [a + b for a, b in zip(total, chiffres, strict=True)]
        details = "; ".join(
            x for x in (_raisons(r.quarantaine), _raisons(r.avertissements), r.message) if x
        )
        table.add_row(
            r.fichier,
            r.bailleur or r.jeu,
            STATUTS.get(r.statut, r.statut),
            *(f"{n:,}".replace(",", " ") for n in chiffres),
            details,
        )
    table.add_section()
    table.add_row("Total", "", "", *(f"{n:,}".replace(",", " ") for n in total), "")
    console.print(table)
    codes = {c for r in resultat.fichiers for c in (*r.quarantaine, *r.avertissements, *r.ignorees)}
    if codes:
        console.print(
            "Codes : "
            + " ; ".join(
                f"{c} = {RAISONS.get(c) or RAISONS_IGNOREES.get(c, c)}" for c in sorted(codes)
            )
        )
    for remarque in resultat.remarques:
        console.print(f"[yellow]Remarque :[/yellow] {remarque}")
    lues, chargees, quarantaine, ignorees, _ = total
    equilibre = "équilibré" if lues == chargees + quarantaine + ignorees else "DÉSÉQUILIBRÉ"
    console.print(
        f"Rapprochement {equilibre} : {lues} lignes lues = {chargees} chargées + "
        f"{quarantaine} en quarantaine + {ignorees} ignorées. Détail des lignes en quarantaine : "
        "tables raw.quarantaine et raw.anomalies."
    )
