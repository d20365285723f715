"""The `peuplement` command speaks French, from `--help` to Click's own errors, with one
vocabulary; the English names of the first versions stay accepted but hidden."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import yaml
from aides import peuplement

from peuplement.cli import main
from peuplement.cli.francais import CATALOGUE, MODULES_CLICK, PLURIELS

ANGLAIS = ("Usage", "Show this message", "Options:", "Commands", "[required]", "default:", " TEXT ", " PATH ", " INTEGER ")


def _commandes(groupe: click.Group, prefixe: tuple[str, ...] = ()):
    for nom in groupe.list_commands(click.Context(groupe)):
        commande = groupe.get_command(click.Context(groupe), nom)
        yield (*prefixe, nom)
        if isinstance(commande, click.Group):
            yield from _commandes(commande, (*prefixe, nom))


def test_every_command_s_help_works_alone_and_is_french():
    commandes = [(), *_commandes(main)]
    assert ("registre", "exporter") in commandes and ("cles", "creer") in commandes
    for commande in commandes:
        sortie = peuplement(*commande, "--help")
        assert sortie.returncode == 0, (commande, sortie.stderr)
        assert sortie.stdout.startswith("Utilisation : peuplement"), commande
        assert "Affiche cette aide et quitte." in sortie.stdout
        for mot in ANGLAIS:
            assert mot not in sortie.stdout, (commande, mot, sortie.stdout)


def test_old_english_names_are_accepted_but_not_listed():
    aide = peuplement("--help").stdout
    for ancien in ("load", "build", "register", "keys", "purge", "init"):
        assert f"\n  {ancien} " not in aide
    assert "peuplement register export" in peuplement("register", "export", "--help").stdout
    assert "--sortie FICHIER" in peuplement("register", "export", "--help").stdout
    assert "--out" not in peuplement("register", "export", "--help").stdout
    assert peuplement("keys", "init", "--help").returncode == 0
    assert peuplement("secret", "audit", "--help").returncode == 0


def test_click_errors_are_french_with_exit_code_2(tmp_path):
    sortie = peuplement("charger")
    assert sortie.returncode == 2
    assert "Erreur : Option manquante '--etude'." in sortie.stderr
    assert "Aide : « peuplement charger --help »." in sortie.stderr
    assert "Error" not in sortie.stderr and "Try" not in sortie.stderr

    sortie = peuplement("chargr")
    assert sortie.returncode == 2
    assert "Commande inconnue : 'chargr'. Vouliez-vous dire 'charger' ?" in sortie.stderr

    sortie = peuplement("demo", str(tmp_path / "d"), "--logements", "beaucoup")
    assert sortie.returncode == 2
    assert "'beaucoup' n'est pas un entier valide" in sortie.stderr
    assert not (tmp_path / "d").exists()

    sortie = peuplement("registre", "verifier")
    assert sortie.returncode == 2 and "Option manquante '--etude'" in sortie.stderr


def test_every_text_of_the_installed_click_is_translated():
    """A Click upgrade adding a text fails here instead of printing English."""
    racine = Path(click.__file__).parent
    manquants = []
    for nom in MODULES_CLICK:
        arbre = ast.parse((racine / f"{nom}.py").read_text(encoding="utf-8"))
        for noeud in ast.walk(arbre):
            if not (isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name)):
                continue
            textes = [a.value for a in noeud.args if isinstance(a, ast.Constant)]
            if noeud.func.id == "_" and textes and textes[0] not in CATALOGUE:
                manquants.append(textes[0])
            if noeud.func.id == "ngettext" and textes and textes[0] not in PLURIELS:
                manquants.append(textes[0])
    assert manquants == []


def test_initialiser_takes_the_folder_as_argument_and_the_name_as_libelle(tmp_path):
    dossier = tmp_path / "mon_etude"
    sortie = peuplement("initialiser", str(dossier), "--libelle", "Étude CAHC")
    assert sortie.returncode == 0, sortie.stderr
    assert yaml.safe_load((dossier / "etude.yml").read_text(encoding="utf-8"))
    assert "Étude CAHC" in (dossier / "etude.yml").read_text(encoding="utf-8")
    assert "peuplement charger --etude" in sortie.stderr

    ailleurs = tmp_path / "autre"
    refus = peuplement("init", str(ailleurs), "--etude", "Étude CAHC")
    assert refus.returncode == 2
    assert "--etude désigne toujours le dossier" in refus.stderr and "--libelle" in refus.stderr
    assert not ailleurs.exists()


def test_the_register_takes_etude_after_or_before_its_subcommand(etude):
    nouveau = peuplement("registre", "verifier", "--etude", str(etude))
    ancien = peuplement("register", "--etude", str(etude), "verify")
    assert nouveau.returncode == ancien.returncode == 0
    assert nouveau.stdout.startswith("Registre intact") and nouveau.stdout == ancien.stdout


def test_the_purge_asks_in_french_and_destroys_nothing_on_no(etude):
    import subprocess

    from aides import BIN

    fichier = etude / "referentiels" / "rpls_2022.csv"
    fichier.write_text("identifiant\n1\n", encoding="utf-8")
    sortie = subprocess.run(
        [str(BIN / "peuplement"), "purger", "--etude", str(etude)],
        input="n\n",
        capture_output=True,
        text=True,
    )
    assert sortie.returncode == 1
    assert "[o/N]" in sortie.stderr and "Purge annulée : rien n'a été détruit." in sortie.stderr
    assert fichier.exists()
