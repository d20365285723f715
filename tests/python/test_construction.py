"""`peuplement construire` as an operator runs it: French progress by stage, dbt's log and
artefacts inside the study (also with a relative --etude), the true counts in the register, a
failed secrecy audit explained, and dbt stopped with the command."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from aides import RACINE, peuplement

from peuplement.protection.registre import Registre

BIN = Path(sys.executable).parent


def _copie(demo, tmp_path) -> Path:
    dossier = tmp_path / "etude"
    shutil.copytree(demo[0], dossier)
    shutil.rmtree(dossier / "entrepot" / "dbt", ignore_errors=True)
    return dossier


def _environnement() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PEUPLEMENT_DB", "PEUPLEMENT_CLE")}


def test_a_build_with_a_relative_etude_keeps_dbt_inside_the_study(construction_staging):
    # a copy of the demo built up to the staging from its parent folder (conftest)
    tmp_path, dossier, sortie, avant = construction_staging
    resultats_depot = RACINE / "target" / "run_results.json"
    assert sortie.returncode == 0, sortie.stdout[-3000:] + sortie.stderr[-3000:]
    resultats = json.loads(
        (dossier / "entrepot" / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8")
    )["results"]
    journal = (dossier / "entrepot" / "dbt" / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Running with dbt=" in journal and "\x1b[" not in journal
    assert (resultats_depot.stat().st_mtime if resultats_depot.exists() else None) == avant
    assert not (tmp_path / "target").exists() and not (tmp_path / "logs").exists()

    entree = Registre(dossier).lire()[-1]
    modeles = [r for r in resultats if r["unique_id"].startswith("model.")]
    tests = [r for r in resultats if r["unique_id"].startswith(("test.", "unit_test."))]
    assert (entree["operation"], entree["resultat"]) == ("construction", "reussi")
    assert entree["donnees"]["modeles"] == len(modeles) > 0
    assert entree["donnees"]["tests"] == len(tests) > 0
    assert entree["donnees"]["en_echec"] == 0 and entree["donnees"]["echecs"] == []
    assert entree["message"].startswith(f"{len(modeles)} modèle(s), {len(tests)} test(s)")

    # French progress by stage, dbt's own lines only in its log, no colour code off a terminal
    assert "▸ Préparation des données" in sortie.stderr
    assert "Construction réussie" in sortie.stdout
    assert "Running with dbt" not in sortie.stdout + sortie.stderr
    assert "\x1b[" not in sortie.stdout + sortie.stderr
    assert "START" not in sortie.stdout + sortie.stderr


def test_verbeux_streams_dbt_s_own_log(demo, tmp_path):
    dossier = _copie(demo, tmp_path)
    sortie = peuplement("construire", "--etude", str(dossier), "--verbeux", "--select", "dict_codes", "staging")
    assert sortie.returncode == 0, sortie.stderr[-3000:]
    assert "Running with dbt=" in sortie.stderr and "stg_bailleurs__logements" in sortie.stderr
    assert "\x1b[" not in sortie.stderr


def test_a_failed_secrecy_audit_is_explained_and_no_old_summary_is_shown(audit_en_echec):
    # the demo study with the warehouse of a passing full build, rebuilt from the secrecy
    # onwards without secondary suppression (conftest)
    dossier, sortie, _ = audit_en_echec
    assert sortie.returncode == 1, sortie.stdout[-3000:]
    texte = sortie.stdout
    assert "Construction en échec" in texte
    assert "cible(s) exposée(s) à l'attaquant" in texte and "rien n'est exporté" in texte
    assert "l'attaquant établit [" in texte and "retrouvée exactement" in texte
    assert "cellule élémentaire n°" in texte
    assert "Got " not in texte + sortie.stderr
    # the demo's warehouse still holds the previous (passing) build's summary: never shown
    assert "Secret statistique par maille" not in texte and "aucune cible exposée" not in texte
    assert "synthèse non recalculée par cette construction" in texte
    assert "Exports prêts à remettre" not in texte

    entree = Registre(dossier).lire()[-1]
    assert (entree["operation"], entree["resultat"]) == ("construction", "echec")
    assert {"noeud": "audit_secret_reussi", "statut": "fail"} in entree["donnees"]["echecs"]
    assert entree["donnees"]["en_echec"] == len(entree["donnees"]["echecs"]) >= 1
    assert "audit_secret_reussi" in entree["message"]


def _enfants(pid: int) -> list[int]:
    try:
        texte = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in texte.split()]


def _vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"


def _lancer_et_tuer(dossier: Path, sig: int) -> tuple[subprocess.Popen, int]:
    commande = subprocess.Popen(
        [str(BIN / "peuplement"), "construire", "--etude", str(dossier)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_environnement(),
        cwd=RACINE,
    )
    limite = time.monotonic() + 60
    while not _enfants(commande.pid) and time.monotonic() < limite:
        time.sleep(0.2)
    (dbt,) = _enfants(commande.pid)
    time.sleep(3)  # let dbt start parsing
    commande.send_signal(sig)
    commande.wait(timeout=60)
    limite = time.monotonic() + 30
    while _vivant(dbt) and time.monotonic() < limite:
        time.sleep(0.2)
    return commande, dbt


def test_a_killed_build_stops_dbt(demo, tmp_path):
    if not sys.platform.startswith("linux"):
        return
    dossier = _copie(demo, tmp_path)
    _, dbt = _lancer_et_tuer(dossier, signal.SIGKILL)
    assert not _vivant(dbt)


def test_a_terminated_build_stops_dbt_and_is_recorded(demo, tmp_path):
    dossier = _copie(demo, tmp_path)
    commande, dbt = _lancer_et_tuer(dossier, signal.SIGTERM)
    assert not _vivant(dbt)
    assert commande.returncode == 130
    entree = Registre(dossier).lire()[-1]
    assert (entree["operation"], entree["resultat"]) == ("construction", "interrompu")


def test_dbt_stopping_before_any_node_is_said_and_recorded(demo, tmp_path):
    dossier = _copie(demo, tmp_path)
    sortie = peuplement("construire", "--etude", str(dossier), "--option-inconnue")
    assert sortie.returncode != 0
    assert "dbt s'est arrêté avant de construire quoi que ce soit" in sortie.stdout
    assert "--option-inconnue" in sortie.stdout  # dbt's own message, quoted
    entree = Registre(dossier).lire()[-1]
    assert (entree["operation"], entree["resultat"]) == ("construction", "echec")
    assert entree["donnees"]["modeles"] == entree["donnees"]["tests"] == 0
