"""The `peuplement` command (a thin layer): options, progress and French summaries.

Each command calls one domain package (`chargement`, `construction`, `protection`, `secret`,
`synthetique`); `affichage_*` render their results. Only this package prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from .. import __version__
from ..erreurs import ErreurPeuplement

console = Console(stderr=True)


def _echec(exc: Exception) -> None:
    console.print(f"[bold red]Erreur :[/bold red] {exc}", highlight=False)
    sys.exit(2)


@click.group()
@click.version_option(__version__)
def main() -> None:
    """peuplement : entrepôt d'étude de peuplement du parc social (OPS, RPLS)."""


@main.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option("--etude", "nom", default="Étude de peuplement", help="Nom de l'étude.")
@click.option("--epci", "code_epci", default="000000000", help="SIREN de l'EPCI.")
@click.option("--libelle-epci", default="EPCI à renseigner")
@click.option("--millesime", default=2022, type=int, help="Année de l'enquête OPS.")
@click.option("--operateur", default="à renseigner", help="Personne en charge du traitement.")
@click.option("--fin-convention", default=None, help="Fin de la convention (AAAA-MM-JJ).")
def init(
    dossier: Path,
    nom: str,
    code_epci: str,
    libelle_epci: str,
    millesime: int,
    operateur: str,
    fin_convention: str | None,
) -> None:
    """Crée le dossier d'une nouvelle étude (etude.yml, bailleurs/, referentiels/...)."""
    from ..etude.configuration import charger_etude, initialiser_etude

    try:
        chemin = initialiser_etude(
            dossier, nom, code_epci, libelle_epci, millesime, operateur, fin=fin_convention
        )
        etude = charger_etude(dossier)
    except ErreurPeuplement as exc:
        _echec(exc)
    console.print(
        f"Étude créée : {chemin} (convention jusqu'au {etude.date_limite:%d/%m/%Y} : à vérifier "
        f"dans etude.yml). Déposez les fichiers de chaque bailleur dans "
        f"{dossier}/bailleurs/<CODE>/ et les référentiels dans {dossier}/referentiels/, "
        f"puis lancez « peuplement load --etude {dossier} »."
    )


@main.command()
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
@click.option("--json", "en_json", is_flag=True, help="Affiche le rapprochement en JSON.")
def load(dossier: Path, operateur: str | None, en_json: bool) -> None:
    """Charge dans l'entrepôt tous les fichiers nouveaux de l'étude."""
    from ..chargement.chargeur import charger
    from ..chargement.livraisons import total_octets
    from ..etude.configuration import charger_etude
    from .affichage_chargement import afficher
    from .affichage_chargement import en_json as rapport_json

    try:
        etude = charger_etude(dossier)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as barre:
            tache = barre.add_task("Chargement", total=total_octets(etude))

            def progression(nom: str, octets: int) -> None:
                if nom:
                    barre.update(tache, description=f"Chargement de {nom}")
                barre.advance(tache, octets)

            resultat = charger(etude, operateur, progression)
    except ErreurPeuplement as exc:
        _echec(exc)
    if en_json:
        click.echo(rapport_json(resultat))
    else:
        afficher(resultat, Console(width=max(120, Console().width)))


@main.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--logements",
    default=20_000,
    show_default=True,
    type=int,
    help="Nombre de logements du parc synthétique.",
)
@click.option("--graine", default=2022, show_default=True, type=int, help="Graine aléatoire.")
@click.option("--force", is_flag=True, help="Remplace un dossier de démonstration existant.")
def demo(dossier: Path, logements: int, graine: int, force: bool) -> None:
    """Écrit une étude synthétique complète (aucune donnée réelle) dans DOSSIER."""
    from ..synthetique.etude_demo import ecrire_etude_demo

    try:
        resume = ecrire_etude_demo(dossier, logements, graine, force=force, console=console)
    except ErreurPeuplement as exc:
        _echec(exc)
    Console().print(resume)


@main.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
@click.argument("arguments_dbt", nargs=-1, type=click.UNPROCESSED)
def build(dossier: Path, operateur: str | None, arguments_dbt: tuple[str, ...]) -> None:
    """Lance « dbt build » sur l'entrepôt de l'étude et l'inscrit au registre."""
    _construire_et_resumer(dossier, operateur, list(arguments_dbt))


def _construire_et_resumer(dossier: Path, operateur: str | None, arguments: list[str]) -> None:
    """dbt build on the study, then the secrecy summary and the exports written; exits with
    dbt's code."""
    from ..construction.lancement import construire
    from ..etude.configuration import charger_etude
    from .affichage_construction import afficher_exports, afficher_synthese_secret

    try:
        etude = charger_etude(dossier)
        code = construire(etude, operateur, arguments)
        afficher_synthese_secret(etude, _console_large())
        if code == 0:
            afficher_exports(etude, _console_large())
    except ErreurPeuplement as exc:
        _echec(exc)
    sys.exit(code)


def _console_large() -> Console:
    """A console wide enough for the summary tables, even when the output is not a terminal."""
    return Console(width=max(110, Console().width))


@main.command("export")
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
def exporter_publication(dossier: Path, operateur: str | None) -> None:
    """Construit la publication (dbt build complet : tests du secret compris), écrit les exports
    et affiche les fichiers prêts à remettre."""
    _construire_et_resumer(dossier, operateur, [])


@main.command()
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
@click.option("--yes", "oui", is_flag=True, help="Répond oui à la confirmation (scripts).")
def purge(dossier: Path, operateur: str | None, oui: bool) -> None:
    """Fin d'étude : détruit toutes les données personnelles, vérifie et atteste."""
    from ..etude.configuration import charger_etude
    from ..protection.purge import a_detruire, purger

    try:
        etude = charger_etude(dossier)
        fichiers = a_detruire(etude)
        if not oui and not click.confirm(
            f"Détruire définitivement {len(fichiers)} fichier(s) de {dossier} (fichiers des "
            "bailleurs, référentiels, entrepôt) ? Les exports et le registre sont conservés.",
            default=False,
        ):
            console.print("Purge annulée : rien n'a été détruit.")
            sys.exit(1)
        attestation = purger(etude, operateur)
    except ErreurPeuplement as exc:
        _echec(exc)
    etat = "vérifiée : aucun reste" if attestation.verifiee else f"RESTES : {attestation.restes}"
    Console().print(
        f"{len(attestation.fichiers)} fichier(s) détruit(s) ; {etat}. "
        f"Attestation : {attestation.chemin_xlsx} (et registre des opérations)."
    )
    if not attestation.verifiee:
        sys.exit(1)


@main.group()
def keys() -> None:
    """Clés de l'étude pour la transmission chiffrée des fichiers (format age)."""


@keys.command("init")
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
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
        _echec(exc)
    Console().print(
        "Clé publique de l'étude, à envoyer aux bailleurs :\n"
        f"  {destinataire}\n"
        "Chaque bailleur chiffre son fichier avec « age -r <clé> -o fichier.xlsx.age fichier.xlsx » "
        "et le dépose tel quel dans bailleurs/<CODE>/ : il est déchiffré en mémoire au chargement.",
        highlight=False,
    )


@keys.command("changer")
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.option("--operateur", default=None, help="Opérateur (par défaut celui d'etude.yml).")
def keys_changer(dossier: Path, operateur: str | None) -> None:
    """Change la clé de l'entrepôt : ancienne dans PEUPLEMENT_CLE, nouvelle dans PEUPLEMENT_NOUVELLE_CLE."""
    import os

    from ..erreurs import ErreurConfiguration
    from ..etude.configuration import charger_etude
    from ..protection.chiffrement import changer_cle, cle
    from ..protection.registre import Registre
    from ..protection.transmission import rechiffrer_identite

    try:
        etude = charger_etude(dossier)
        ancienne, nouvelle = cle(etude.nom), os.environ.get("PEUPLEMENT_NOUVELLE_CLE")
        if not ancienne or not nouvelle or ancienne == nouvelle:
            raise ErreurConfiguration(
                "définissez PEUPLEMENT_CLE (clé actuelle) et PEUPLEMENT_NOUVELLE_CLE (nouvelle, différente)"
            )
        if etude.chemin_base.exists():
            changer_cle(etude.chemin_base, ancienne, nouvelle)
        identite = rechiffrer_identite(etude, ancienne, nouvelle)
        Registre(dossier).ajouter(
            "changement_cle",
            operateur or etude.operateur,
            {"base": etude.chemin_base.name, "cle_transmission_rechiffree": identite},
            "reussi",
            "entrepôt rechiffré avec une nouvelle clé",
        )
    except ErreurPeuplement as exc:
        _echec(exc)
    Console().print(
        "Clé changée : l'entrepôt ne s'ouvre plus qu'avec la nouvelle clé "
        "(à mettre dans PEUPLEMENT_CLE)."
    )


@main.group(invoke_without_command=True)
@click.option(
    "--etude", "dossier", required=True, type=click.Path(path_type=Path), help="Dossier de l'étude."
)
@click.pass_context
def register(ctx: click.Context, dossier: Path) -> None:
    """Registre des opérations de traitement : l'affiche (sans sous-commande), le vérifie, l'exporte."""
    from ..protection.registre import Registre

    ctx.obj = Registre(dossier)
    if ctx.invoked_subcommand is None:
        from rich.table import Table as TableRich

        table = TableRich(title=f"Registre des opérations – {dossier}")
        for titre in ("N°", "Date et heure", "Opérateur", "Opération", "Résultat", "Message"):
            table.add_column(titre, overflow="fold")
        for e in ctx.obj.lire():
            table.add_row(
                str(e["numero"]),
                e["horodatage"],
                e["operateur"],
                e["operation"],
                e["resultat"],
                e["message"][:200],
            )
        Console(width=max(120, Console().width)).print(table)


@register.command()
@click.pass_obj
def verify(registre) -> None:
    """Vérifie la chaîne des empreintes ; code 1 et l'entrée fautive si elle est rompue."""
    verification = registre.verifier()
    if verification.intact:
        Console().print(
            f"Registre intact : {verification.entrees} entrée(s), chaîne d'empreintes vérifiée."
        )
        return
    Console().print(
        f"[bold red]Registre altéré[/bold red] à l'entrée {verification.rupture} : "
        f"{verification.raison}.",
        highlight=False,
    )
    sys.exit(1)


@register.command("export")
@click.option(
    "--out",
    "sortie",
    required=True,
    type=click.Path(path_type=Path),
    help="Fichier .xlsx ou .csv à écrire.",
)
@click.pass_obj
def exporter_registre(registre, sortie: Path) -> None:
    """Exporte le registre (xlsx ou csv) pour un bailleur ou le délégué à la protection des données."""
    Console().print(f"Registre exporté : {registre.exporter(sortie)}")


def _options_table(commande):
    """The table files and threshold shared by `secret protect` and `secret audit`."""
    for option in reversed(
        [
            click.option(
                "--cells",
                "cellules",
                required=True,
                type=click.Path(exists=True, path_type=Path),
                help="Fichier des cellules (CSV, voir docs/secret.md).",
            ),
            click.option(
                "--relations",
                required=True,
                type=click.Path(exists=True, path_type=Path),
                help="Fichier des relations additives (CSV).",
            ),
            click.option(
                "--out",
                "sortie",
                required=True,
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


@main.group()
def secret() -> None:
    """Secret statistique : masquage secondaire et audit d'une table (fichiers CSV)."""


@secret.command()
@_options_table
def protect(cellules: Path, relations: Path, sortie: Path, seuil: float) -> None:
    """Masque les cellules complémentaires nécessaires, jusqu'à ce que l'audit passe."""
    from ..secret.audit import auditer, echecs
    from ..secret.modele import ecrire_cellules, lire_table
    from ..secret.protection import proteger

    try:
        table = proteger(lire_table(cellules, relations), seuil)
    except ErreurPeuplement as exc:
        _echec(exc)
    ecrire_cellules(table, sortie)
    statuts = [c.statut for c in table.cellules.values()]
    restants = len(echecs(auditer(table, seuil)))
    Console().print(
        f"{len(statuts)} cellules : {statuts.count('primaire')} primaires, "
        f"{statuts.count('secondaire')} secondaires, {statuts.count('masque_nd')} non disponibles ; "
        f"audit : {'réussi' if restants == 0 else f'{restants} cible(s) exposée(s)'} → {sortie}"
    )


@secret.command()
@_options_table
def audit(cellules: Path, relations: Path, sortie: Path, seuil: float) -> None:
    """Calcule ce qu'un attaquant peut déduire de chaque cellule masquée ; code 1 si exposée."""
    from ..secret.audit import auditer, echecs, ecrire_audit
    from ..secret.modele import lire_table

    try:
        resultats = auditer(lire_table(cellules, relations), seuil)
    except ErreurPeuplement as exc:
        _echec(exc)
    ecrire_audit(resultats, sortie)
    ko = echecs(resultats)
    Console().print(f"{len(resultats)} cibles auditées, {len(ko)} exposée(s) → {sortie}")
    for r in ko[:20]:
        Console().print(
            f"  {r.cible.id} : [{r.minimum:g}, {r.maximum:g}] ({r.motif})", highlight=False
        )
    if ko:
        sys.exit(1)


if __name__ == "__main__":
    main()
