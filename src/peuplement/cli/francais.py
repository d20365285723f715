"""Click's own texts in French: usage, help, errors and prompts.

Click marks every text it prints with `gettext` (`_` and `ngettext`, bound in each of its
modules); `installer()` replaces those two names by lookups in the catalogue below, the way a
translation file would, without touching the process-wide gettext domain. Also the help
layout: French type names in the metavars (`TEXTE`, `ENTIER`, `CHEMIN`), a group whose old
English command names stay accepted but hidden, and options whose aliases are not listed.

May import: click only. `tests/python/test_cli.py` checks that every text of the installed Click
is in the catalogue, so a Click upgrade that adds one fails the tests instead of printing English.
"""

from __future__ import annotations

import click

CATALOGUE: dict[str, str] = {
    "Aborted!": "Abandon.",
    "deprecated": "obsolète",
    "Missing command.": "Commande manquante.",
    "Options": "Options",
    "Positional arguments": "Arguments",
    "Commands": "Commandes",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Avertissement : la commande {name!r} est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Avertissement : le paramètre {name!r} est obsolète.{extra_message}"
    ),
    "Value must be an iterable.": "La valeur doit être une liste.",
    "Could not determine name for option with declarations {decls!r}": (
        "Nom introuvable pour l'option déclarée par {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": (
        "Aucune option déclarée mais un nom est donné ({name}) : un argument, ou « --{name} » ?"
    ),
    "env var: {var}": "variable d'environnement : {var}",
    "default: {default}": "par défaut : {default}",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Un argument se déclare par un seul nom, {length} donnés : {decls}."
    ),
    "(dynamic)": "(calculé)",
    "Name '{name}' defined twice": "Nom « {name} » déclaré deux fois",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "L'option booléenne {decl!r} ne peut pas valoir vrai et faux par le même drapeau."
    ),
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirme l'action sans la demander.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Missing argument": "Argument manquant",
    "required": "obligatoire",
    "unknown error": "erreur inconnue",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Missing option": "Option manquante",
    "Could not open file {filename!r}: {message}": (
        "Impossible d'ouvrir le fichier {filename!r} : {message}"
    ),
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Missing {param_type}": "{param_type} manquant",
    "Usage:": "Utilisation :",
    "Invalid start character for option ({option})": (
        "Caractère initial invalide pour une option ({option})"
    ),
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Press any key to continue...": "Appuyez sur une touche pour continuer...",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux saisies diffèrent.",
    "Unknown color {colour!r}": "Couleur inconnue : {colour!r}",
    "Error: invalid input": "Erreur : saisie invalide",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "Choice({choices})": "Choix({choices})",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas un booléen. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "{name} {filename!r} is a file.": "{name} {filename!r} : c'est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} : c'est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} : lecture interdite.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} : écriture interdite.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} : exécution interdite.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    "Unknown standard stream '{name}'": "Flux standard inconnu : « {name} »",
    # the external editor (click.edit), which no command of peuplement opens
    "{editor}: Editing failed": "{editor} : échec de l'édition",
    "{editor}: Editing failed: {e}": "{editor} : échec de l'édition : {e}",
    "d": "j",
}

# ngettext: English singular -> (French singular, French plural)
PLURIELS: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": (
        "Argument en trop ({args})",
        "Arguments en trop ({args})",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Prend {nargs} valeurs, 1 donnée.",
        "Prend {nargs} valeurs, {len} données.",
    ),
    "Did you mean {possibility}?": (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'une de : {possibilities} ?)",
    ),
    "Option {name!r} requires an argument.": (
        "L'option {name!r} attend une valeur.",
        "L'option {name!r} attend {nargs} valeurs.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} n'est pas {choice}.",
        "{value!r} n'est pas une des valeurs {choices}.",
    ),
    "{value!r} does not match the format {format}.": (
        "{value!r} ne suit pas le format {format}.",
        "{value!r} ne suit aucun des formats {formats}.",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} valeurs attendues, {len_value} donnée.",
        "{len_type} valeurs attendues, {len_value} données.",
    ),
}

# type names, shown upper-cased as metavars (TEXTE, ENTIER) and inside the messages above
TYPES = {
    click.types.StringParamType: "texte",
    click.types.IntParamType: "entier",
    click.types.FloatParamType: "nombre",
    click.types.BoolParamType: "booléen",
    click.types.IntRange: "entier",  # its bounds are shown beside it ([x>=1])
    click.types.FloatRange: "nombre",
    click.types.DateTime: "date",
}

MODULES_CLICK = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "termui",
    "_termui_impl",
    "types",
)


def traduire(message: str) -> str:
    return CATALOGUE.get(message, message)


def traduire_pluriel(singulier: str, pluriel: str, n: int) -> str:
    formes = PLURIELS.get(singulier)
    if formes is None:
        return singulier if n == 1 else pluriel
    return formes[0] if n <= 1 else formes[1]  # French singular for 0 and 1


def installer() -> None:
    """Make Click speak French (idempotent); call before any command is declared."""
    import importlib

    for nom in MODULES_CLICK:
        module = importlib.import_module(f"click.{nom}")
        if hasattr(module, "_"):
            module._ = traduire
        if hasattr(module, "ngettext"):
            module.ngettext = traduire_pluriel
    for classe, nom in TYPES.items():
        classe.name = nom
    click.formatting.HelpFormatter.write_heading = _titre


def _titre(formatter: click.HelpFormatter, heading: str) -> None:
    """A help section's heading with the French colon (« Options : »)."""
    formatter.write(f"{'':>{formatter.current_indent}}{heading} :\n")


class OptionFr(click.Option):
    """An option whose help lists its first name only: the others are kept as hidden aliases
    (old English spellings such as `--yes`, `--out`)."""

    def get_help_record(self, ctx: click.Context):
        noms = self.opts
        self.opts = noms[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = noms

    def get_error_hint(self, ctx: click.Context) -> str:
        return f"'{self.opts[0]}'"


class GroupeFr(click.Group):
    """A group with French command names; `alias` maps old names to them, accepted but not listed
    in the help (scripts written for the English names keep working)."""

    def __init__(self, *args, alias: dict[str, str] | None = None, **kwargs) -> None:
        facultative = kwargs.get("invoke_without_command", False)
        kwargs.setdefault(
            "subcommand_metavar",
            "[COMMANDE] [ARGUMENTS]..." if facultative else "COMMANDE [ARGUMENTS]...",
        )
        super().__init__(*args, **kwargs)
        self.alias = dict(alias or {})

    def get_command(self, ctx: click.Context, cmd_name: str):
        return super().get_command(ctx, self.alias.get(cmd_name, cmd_name))

    def add_command(self, cmd: click.Command, name: str | None = None, alias=()) -> None:
        super().add_command(cmd, name)
        for ancien in alias:
            self.alias[ancien] = name or cmd.name
