"""`peuplement build`: run dbt on the study's warehouse and record it in the register."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..erreurs import ErreurConfiguration
from ..etude.configuration import Etude
from ..protection.chiffrement import VARIABLE_CLE, cle
from ..protection.registre import Registre


def projet_dbt() -> Path:
    """The dbt project: PEUPLEMENT_PROJET, else the repository this package is installed from."""
    candidats = [
        os.environ.get("PEUPLEMENT_PROJET"),
        Path(__file__).resolve().parents[3],
        Path.cwd(),
    ]
    for candidat in candidats:
        if candidat and (Path(candidat) / "dbt_project.yml").exists():
            return Path(candidat)
    raise ErreurConfiguration(
        "projet dbt introuvable : définissez PEUPLEMENT_PROJET (dossier de dbt_project.yml)"
    )


def construire(etude: Etude, operateur: str | None, arguments: list[str]) -> int:
    """dbt build (with extra arguments); returns dbt's exit code."""
    operateur = operateur or etude.operateur
    projet = projet_dbt()
    cible = etude.dossier / "entrepot" / "dbt"
    env = {k: v for k, v in os.environ.items() if k != VARIABLE_CLE}
    env.update(
        {
            "PEUPLEMENT_DB": str(etude.chemin_base),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PEUPLEMENT_CIBLE": "clair",
            "PEUPLEMENT_EXPORTS": str(etude.dossier / "exports"),
            "PEUPLEMENT_OPERATEUR": operateur,
        }
    )
    valeur = cle(etude.nom)
    if valeur:  # dbt masks DBT_ENV_SECRET_* values in its logs
        env.update({"PEUPLEMENT_CIBLE": "chiffre", "DBT_ENV_SECRET_PEUPLEMENT_CLE": valeur})
    elif not etude.demonstration:
        raise ErreurConfiguration(f"aucune clé de chiffrement : définissez {VARIABLE_CLE}")
    commande = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--project-dir",
        str(projet),
        "--profiles-dir",
        str(projet),
        "--target-path",
        str(cible / "target"),
        "--log-path",
        str(cible / "logs"),
        *_seuils_de_l_etude(etude, arguments),
        *arguments,
    ]
    code = subprocess.run(commande, env=env).returncode
    resultats = _resultats(cible / "target" / "run_results.json")
    Registre(etude.dossier).ajouter(
        "construction",
        operateur,
        {
            "commande": "dbt build " + " ".join(arguments),
            "base": etude.chemin_base.name,
            **resultats,
        },
        "reussi" if code == 0 else "echec",
        f"{resultats.get('modeles', 0)} modèle(s), {resultats.get('tests', 0)} test(s), "
        f"{resultats.get('en_echec', 0)} en échec",
    )
    return code


def _seuils_de_l_etude(etude: Etude, arguments: list[str]) -> list[str]:
    """The study's secrecy thresholds (etude.yml) as dbt variables, unless --vars is given."""
    if "--vars" in arguments:
        return []
    valeurs = {
        "secret_seuil": etude.effectif_minimum,
        "secret_taux_reponse_minimal": etude.taux_reponse_minimum,
    }
    return ["--vars", json.dumps(valeurs)]


def _resultats(chemin: Path) -> dict:
    if not chemin.exists():
        return {}
    resultats = json.loads(chemin.read_text(encoding="utf-8"))["results"]
    modeles = sorted(
        r["unique_id"].split(".")[-1] for r in resultats if r["unique_id"].startswith("model.")
    )
    return {
        "modeles": len(modeles),
        "tables": modeles,
        "tests": sum(r["unique_id"].startswith(("test.", "unit_test.")) for r in resultats),
        "en_echec": sum(r["status"] in ("error", "fail") for r in resultats),
    }
