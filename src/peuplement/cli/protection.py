"""Data protection commands: `peuplement cles` (transmission and warehouse keys),
`peuplement registre` (the processing register) and `peuplement purger` (end of study).

May import: `peuplement.protection`, `peuplement.etude`, `.commun`, `.francais`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..erreurs import ErreurPeuplement
from .commun import AIDE_ETUDE, console, echec, option_etude, option_operateur
from .francais import GroupeFr, OptionFr


@click.command("purger")
@option_etude
@option_operateur
@click.option(
    "--oui", "--yes", "oui", cls=OptionFr, is_flag=True, help="Répond oui à la confirmation."
)
def purge(dossier: Path, operateur: str | None, oui: bool) -> None:
    """Fin d'étude : détruit toutes les données personnelles, vérifie et atteste."""
    from ..etude.configuration import charger_etude
    from ..protection.purge import a_detruire, purger

    try:
        etude = charger_etude(dossier)
        fichiers = a_detruire(etude)
        if not oui and not _confirmer(
            f"Détruire définitivement {len(fichiers)} fichier(s) de {dossier} (fichiers des "
            "bailleurs, référentiels, entrepôt) ? Les exports et le registre sont conservés."
        ):
            console.print("Purge annulée : rien n'a été détruit.")
            sys.exit(1)
        attestation = purger(etude, operateur)
    except ErreurPeuplement as exc:
        echec(exc)
    etat = "vérifiée : aucun reste" if attestation.verifiee else f"RESTES : {attestation.restes}"
    Console().print(
        f"{len(attestation.fichiers)} fichier(s) détruit(s) ; {etat}. "
        f"Attestation : {attestation.chemin_xlsx} (et registre des opérations)."
    )
    if not attestation.verifiee:
        sys.exit(1)


def _confirmer(question: str) -> bool:
    """A French yes/no question, « non » by default (Click's own confirm reads y/N)."""
    reponse = click.prompt(
        f"{question} [o/N]", default="n", show_default=False, err=True, type=str
    )
    return reponse.strip().lower() in ("o", "oui", "y", "yes")


@click.group("cles", cls=GroupeFr, alias={"init": "creer"})
def keys() -> None:
    """Clés de l'étude pour la transmission chiffrée des fichiers (format age)."""


@keys.command("creer")
@option_etude
@option_operateur
def keys_init(dossier: Path, operateur: str | None) -> None:
    """Crée la paire de clés et affiche la clé publique à envoyer aux bailleurs."""
    from ..etude.configuration import charger_etude
    from ..protection.registre import Registre
    from ..protection.transmission import creer_cles

    try:
        etude = charger_etude(dossier)
        destinataire = creer_cles(etude)
        Registre(dossier).ajouter(
            "changement_cle",
            operateur or etude.operateur,
            {"destinataire": destinataire},
            "reussi",
            "création de la paire de clés de transmission",
        )
    except ErreurPeuplement as exc:
        echec(exc)
    Console().print(
        "Clé publique de l'étude, à envoyer aux bailleurs :\n"
        f"  {destinataire}\n"
        "Chaque bailleur chiffre son fichier avec « age -r <clé> -o fichier.xlsx.age fichier.xlsx » "
        "et le dépose tel quel dans bailleurs/<CODE>/ : il est déchiffré en mémoire au chargement.",
        highlight=False,
    )


@keys.command("changer")
@option_etude
@option_operateur
def keys_changer(dossier: Path, operateur: str | None) -> None:
    """Change la clé de l'entrepôt : ancienne dans PEUPLEMENT_CLE, nouvelle dans PEUPLEMENT_NOUVELLE_CLE."""
    import os

    from ..erreurs import ErreurConfiguration
    from ..etude.configuration import charger_etude
    from ..protection.chiffrement import changer_phrase, cle
    from ..protection.registre import Registre
    from ..protection.transmission import rechiffrer_identite

    try:
        etude = charger_etude(dossier)
        ancienne, nouvelle = cle(etude.nom), os.environ.get("PEUPLEMENT_NOUVELLE_CLE")
        if not ancienne or not nouvelle or ancienne == nouvelle:
            raise ErreurConfiguration(
                "définissez PEUPLEMENT_CLE (clé actuelle) et PEUPLEMENT_NOUVELLE_CLE (nouvelle, différente)"
            )
        changer_phrase(etude, ancienne, nouvelle)
        identite = rechiffrer_identite(etude, ancienne, nouvelle)
        Registre(dossier).ajouter(
            "changement_cle",
            operateur or etude.operateur,
            {"base": etude.chemin_base.name, "cle_transmission_rechiffree": identite},
            "reussi",
            "entrepôt rechiffré avec une nouvelle clé",
        )
    except ErreurPeuplement as exc:
        echec(exc)
    Console().print(
        "Clé changée : l'entrepôt ne s'ouvre plus qu'avec la nouvelle clé "
        "(à mettre dans PEUPLEMENT_CLE)."
    )


option_etude_registre = click.option(
    "--etude",
    "dossier",
    default=None,
    metavar="DOSSIER",
    type=click.Path(path_type=Path),
    help=AIDE_ETUDE,
)


def _registre(ctx: click.Context, dossier: Path | None):
    """The study's register: `--etude` given to the subcommand, or to the group before it (the
    older spelling `peuplement registre --etude DIR verifier`)."""
    from ..protection.registre import Registre

    dossier = dossier or (ctx.parent.params.get("dossier") if ctx.parent else None)
    if dossier is None:
        option = next(p for p in ctx.command.params if p.name == "dossier")
        raise click.MissingParameter(ctx=ctx, param=option)
    return Registre(dossier)


@click.group(
    "registre",
    cls=GroupeFr,
    alias={"verify": "verifier", "export": "exporter"},
    invoke_without_command=True,
)
@option_etude_registre
@click.pass_context
def register(ctx: click.Context, dossier: Path | None) -> None:
    """Registre des opérations de traitement : l'affiche (sans sous-commande), le vérifie, l'exporte."""
    if ctx.invoked_subcommand is None:
        from rich.table import Table as TableRich

        from ..protection.registre_dpo import lignes_registre

        registre = _registre(ctx, dossier)
        lignes = _lire_ou_sortir(lambda: lignes_registre(registre.lire()))
        table = TableRich(title=f"Registre des opérations – {dossier}")
        for titre in ("N°", "Date et heure", "Opérateur", "Opération", "Résultat", "Message"):
            table.add_column(titre, overflow="fold")
        for ligne in lignes:
            table.add_row(*(str(c) for c in ligne[:5]), str(ligne[5])[:200])
        Console(width=max(120, Console().width)).print(table)


def _lire_ou_sortir(lire):
    """What `lire` reads from the register; a register that cannot be read (damaged, edited,
    not a file) is said in French, with exit code 1 as for a broken chain."""
    from ..protection.registre import ErreurRegistre

    try:
        return lire()
    except ErreurRegistre as exc:
        console.print(f"[bold red]Registre altéré :[/bold red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


@register.command("verifier")
@option_etude_registre
@click.pass_context
def verify(ctx: click.Context, dossier: Path | None) -> None:
    """Vérifie la chaîne des empreintes ; code 1 et l'entrée fautive si elle est rompue."""
    verification = _registre(ctx, dossier).verifier()
    if verification.intact:
        Console().print(verification.resume(), highlight=False)
        return
    Console().print(
        f"[bold red]Registre altéré[/bold red] à l'entrée {verification.rupture} : "
        f"{verification.raison}.",
        highlight=False,
    )
    sys.exit(1)


@register.command("exporter")
@option_etude_registre
@click.option(
    "--sortie",
    "--out",
    "sortie",
    cls=OptionFr,
    required=True,
    metavar="FICHIER",
    type=click.Path(path_type=Path),
    help="Fichier .xlsx ou .csv à écrire.",
)
@click.pass_context
def exporter_registre(ctx: click.Context, dossier: Path | None, sortie: Path) -> None:
    """Exporte le registre (xlsx ou csv) pour un bailleur ou le délégué à la protection des données."""
    registre = _registre(ctx, dossier)
    Console().print(f"Registre exporté : {_lire_ou_sortir(lambda: registre.exporter(sortie))}")
