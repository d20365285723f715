"""End-of-build summaries: what statistical secrecy cost each maille, and the exports written."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from ..etude.configuration import Etude
from ..etude.entrepot import ouvrir_etude


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
            *(_entier(x) for x in (n, pub, s, nd)),
            f"{part:.0%}",
            _entier(prim),
            _entier(sec),
        )
    console.print(table)
    verdict = (
        "aucune cible exposée"
        if echecs == 0
        else f"{echecs} cible(s) EXPOSÉE(S) : rien n'est exporté"
    )
    console.print(f"Audit de l'attaquant : {_entier(cibles)} cibles vérifiées, {verdict}.")


def _entier(x: int) -> str:
    return f"{x:,}".replace(",", "\u202f")  # French thousands separator


def afficher_exports(etude: Etude, console: Console) -> None:
    """The files an analyst can hand over, as the last build wrote them."""
    con = ouvrir_etude(etude)
    try:
        fichiers = con.execute(
            "select fichier, chemin from exports.exp_publication order by fichier"
        ).fetchall()
    except duckdb.CatalogException:
        return
    finally:
        con.close()
    console.print("Exports prêts à remettre (secret vérifié) :")
    for titre, filtre in (
        ("classeur de la CIL", lambda f: f.startswith("classeur_cil_")),
        ("restitutions aux bailleurs", lambda f: f.startswith("restitution_")),
        ("fichiers ouverts", lambda f: f.endswith(".csv")),
    ):
        for fichier, chemin in fichiers:
            if filtre(fichier):
                console.print(f"  {titre} : {chemin}", soft_wrap=True)
