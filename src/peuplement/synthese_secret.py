"""The end-of-build summary of statistical secrecy: what each maille costs."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from .entrepot import ouvrir_etude
from .etude import Etude


def afficher_synthese_secret(etude: Etude, console: Console) -> None:
    """Rows published / hidden per maille and the audit's verdict, read from the marts."""
    con = ouvrir_etude(etude)
    try:
        lignes = con.execute(
            "select maille, nb_lignes, nb_publiees, nb_secret, nb_non_diffusees, part_publiee, "
            "nb_primaires, nb_secondaires from marts.fct_secret_synthese "
            "order by nb_lignes"
        ).fetchall()
        echecs = con.execute(
            "select count(*) from intermediate.int_secret__audit where verdict <> 'ok'"
        ).fetchone()[0]
        cibles = con.execute("select count(*) from intermediate.int_secret__audit").fetchone()[0]
    except duckdb.CatalogException:
        console.print("Secret statistique : synthèse indisponible (construction incomplète).")
        return
    finally:
        con.close()
    table = Table(title="Secret statistique par maille")
    for titre in (
        "maille",
        "lignes",
        "publiées",
        "s",
        "nd",
        "part publiée",
        "primaires",
        "secondaires",
    ):
        table.add_column(titre, justify="left" if titre == "maille" else "right")
    for maille, n, pub, s, nd, part, prim, sec in lignes:
        table.add_row(
            maille,
            f"{n:,}",
            f"{pub:,}",
            f"{s:,}",
            f"{nd:,}",
            f"{part:.0%}",
            f"{prim:,}",
            f"{sec:,}",
        )
    console.print(table)
    verdict = (
        "aucune cible exposée"
        if echecs == 0
        else f"{echecs} cible(s) EXPOSÉE(S) : rien n'est exporté"
    )
    console.print(
        f"Audit de l'attaquant : {cibles:,} cibles vérifiées, {verdict}.".replace(",", " ")
    )
