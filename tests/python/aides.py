"""Helpers shared by the tests: open the warehouse, run the real CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from peuplement.chargement.texte import sql_normaliser_valeur

RACINE = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def base(dossier: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(dossier / "entrepot" / "peuplement.duckdb"), read_only=True)


def peuplement(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command-line tool."""
    environnement = {
        k: v for k, v in os.environ.items() if k not in ("PEUPLEMENT_DB", "PEUPLEMENT_CLE")
    }
    environnement.update(env or {})
    return subprocess.run(
        [str(BIN / "peuplement"), *args],
        capture_output=True,
        text=True,
        env=environnement,
        cwd=RACINE,
    )


ENTETE = [
    "N° logement",
    "Identifiant RPLS",
    "Occupation",
    "Répondu",
    "Situation familiale",
    "Nombre d'occupants",
    "Nombre d'enfants",
    "Âge du titulaire",
    "Position plafonds HLM",
    "APL",
    "Emménagé récent",
]


def ligne(i: int, **champs) -> list:
    """A valid OPS row in ENTETE's order; keyword arguments override columns by index name."""
    valeurs = {
        "id": f"L{i:04d}",
        "rpls": f"62{i:010d}",
        "occupation": "Loué",
        "repondu": "Oui",
        "situation": "Personne seule",
        "occupants": 1,
        "enfants": 0,
        "age": 40 + i % 30,
        "revenu": "< 20 %",
        "apl": "Oui",
        "recent": "Non",
    }
    valeurs.update(champs)
    return list(valeurs.values())


def ecrire(
    dossier: Path, bailleur: str, nom: str, feuilles, correspondances: str | None = None
) -> Path:
    """Write a landlord file in the format its name says (.xlsx, .ods, .csv)."""
    from peuplement.synthetique.ecrivains import ecrire_csv, ecrire_ods, ecrire_xlsx

    rep = dossier / "bailleurs" / bailleur
    rep.mkdir(parents=True, exist_ok=True)
    chemin = rep / nom
    if not isinstance(feuilles, dict):
        feuilles = {"Feuille1": feuilles}
    if nom.endswith(".xlsx"):
        ecrire_xlsx(chemin, feuilles)
    elif nom.endswith(".ods"):
        ecrire_ods(chemin, feuilles)
    else:
        ecrire_csv(chemin, next(iter(feuilles.values())))
    if correspondances is not None:
        (rep / "correspondances.yml").write_text(correspondances, encoding="utf-8")
    return chemin


def empreintes(dossier: Path) -> dict[str, str]:
    """Every file under `dossier` (relative path) -> its SHA-256."""
    return {
        str(p.relative_to(dossier)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in dossier.rglob("*")
        if p.is_file()
    }


def codes(con, bailleur: str, champ: str) -> list:
    """The canonical code of each loaded row's field, through the stored value mapping."""
    return [
        r[0]
        for r in con.execute(
            f"select v.code from raw.ops_lignes l left join raw.correspondances_valeurs v "
            f"on v.bailleur = l.bailleur and v.champ = '{champ}' "
            f"and v.valeur_normalisee = {sql_normaliser_valeur('l.' + champ)} "
            "where l.bailleur = ? order by l.ligne_source",
            [bailleur],
        ).fetchall()
    ]


def dbt(
    commande: list[str], base_duckdb: Path, dossier_travail: Path, exports: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the real dbt on the project, against one warehouse file (exports written in
    `exports`, by default beside the warehouse)."""
    env = {
        **os.environ,
        "PEUPLEMENT_DB": str(base_duckdb),
        "PEUPLEMENT_EXPORTS": str(exports or base_duckdb.parent / "exports"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [
            str(BIN / "dbt"),
            *commande,
            "--profiles-dir",
            str(RACINE),
            "--project-dir",
            str(RACINE),
            "--target-path",
            str(dossier_travail / "target"),
            "--log-path",
            str(dossier_travail / "logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=RACINE,
    )
