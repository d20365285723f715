"""Human-readable and JSON renderings of a load's reconciliation."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from ..chargement.chargeur import ResultatChargement
from ..chargement.controles import RAISONS
from ..chargement.lignes import RAISONS_IGNOREES

STATUTS = {"charge": "chargé", "deja_charge": "déjà chargé", "retire": "retiré"}


def en_json(resultat: ResultatChargement) -> str:
    return json.dumps(
        {
            "load_id": resultat.load_id,
            "files": [r.en_dict() for r in resultat.fichiers],
            "remarques": resultat.remarques,
            "alertes": resultat.alertes,
        },
        ensure_ascii=False,
        indent=2,
    )


def _raisons(comptes: dict[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in comptes.items())


def afficher(resultat: ResultatChargement, console: Console) -> None:
    table = Table(title=f"Chargement {resultat.load_id}")
    table.add_column("Fichier", no_wrap=True)
    table.add_column("Statut")
    for titre in ("Lues", "Chargées", "Quarant.", "Ignorées", "Avert."):
        table.add_column(titre, justify="right")
    total = [0, 0, 0, 0, 0]
    details = []
    for r in resultat.fichiers:
        chiffres = [
            r.rows_read,
            r.rows_loaded,
            r.rows_quarantined,
            r.rows_skipped,
            sum(r.avertissements.values()),
        ]
        total = [a + b for a, b in zip(total, chiffres, strict=True)]
        table.add_row(r.fichier, STATUTS.get(r.statut, r.statut), *map(_nombre, chiffres))
        parties = [
            f"quarantaine : {_raisons(r.quarantaine)}" if r.quarantaine else "",
            f"avertissements : {_raisons(r.avertissements)}" if r.avertissements else "",
            r.message if r.statut != "deja_charge" else "",
        ]
        if any(parties):
            details.append(f"{r.fichier} — " + " ; ".join(p for p in parties if p))
    table.add_section()
    table.add_row("Total", "", *map(_nombre, total))
    console.print(table)
    for ligne in details:
        console.print(f"  {ligne}", highlight=False)
    codes = {c for r in resultat.fichiers for c in (*r.quarantaine, *r.avertissements)}
    if codes:
        console.print(
            "Codes : "
            + " ; ".join(
                f"{c} = {RAISONS.get(c) or RAISONS_IGNOREES.get(c, c)}" for c in sorted(codes)
            ),
            highlight=False,
        )
    for remarque in resultat.remarques:
        console.print(f"[yellow]Remarque :[/yellow] {remarque}", highlight=False)
    for alerte in resultat.alertes:
        console.print(f"[bold yellow]Attention :[/bold yellow] {alerte}", highlight=False)
    lues, chargees, quarantaine, ignorees, _ = total
    equilibre = "équilibré" if lues == chargees + quarantaine + ignorees else "DÉSÉQUILIBRÉ"
    console.print(
        f"Rapprochement {equilibre} : {_nombre(lues)} lignes lues = {_nombre(chargees)} chargées "
        f"+ {_nombre(quarantaine)} en quarantaine + {_nombre(ignorees)} ignorées (titres, "
        "en-têtes, vides, totaux). Détail : tables raw.anomalies et raw.quarantaine.",
        highlight=False,
    )


def _nombre(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")
