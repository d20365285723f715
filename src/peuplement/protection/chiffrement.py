"""Encryption at rest of the warehouse: DuckDB's AES-GCM database encryption.

Writing an encrypted DuckDB file needs the httpfs extension (its OpenSSL); it is loaded from the
`duckdb-extension-httpfs` package installed from PyPI, checked against a pinned SHA-256, never
downloaded. The key comes from the environment variable PEUPLEMENT_CLE, or from the system
keyring (service « peuplement », entry = the study's name) when the `keyring` package has a
backend; never from a file of the study.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from ..erreurs import ErreurConfiguration

VARIABLE_CLE = "PEUPLEMENT_CLE"
ALIAS = "entrepot"
# duckdb-extension-httpfs==1.5.5 (PyPI), linux x86_64
EMPREINTES_HTTPFS = {"887c392b1e49128d11667c81e3698d8b00dfdeb456771acf66d05a0f74f7b7d8"}


def extension_httpfs() -> Path:
    """The local httpfs extension file, after checking its hash."""
    try:
        import duckdb_extension_httpfs
    except ImportError as exc:
        raise ErreurConfiguration(
            "le paquet duckdb-extension-httpfs==1.5.5 n'est pas installé (make install)"
        ) from exc
    fichiers = sorted(
        Path(duckdb_extension_httpfs.__file__).parent.glob("extensions/*/httpfs.duckdb_extension")
    )
    if not fichiers:
        raise ErreurConfiguration("extension httpfs introuvable dans duckdb-extension-httpfs")
    empreinte = hashlib.sha256(fichiers[-1].read_bytes()).hexdigest()
    if empreinte not in EMPREINTES_HTTPFS:
        raise ErreurConfiguration(
            f"extension httpfs {fichiers[-1]} : empreinte {empreinte} inattendue (version ou fichier "
            "modifié) ; refus de la charger"
        )
    return fichiers[-1]


def cle(nom_etude: str | None = None) -> str | None:
    """The warehouse key: PEUPLEMENT_CLE, else the system keyring, else None."""
    valeur = os.environ.get(VARIABLE_CLE)
    if valeur:
        return valeur
    try:
        import keyring

        return keyring.get_password("peuplement", nom_etude or "defaut")
    except Exception:  # no keyring package or no backend on this machine
        return None


def charger_httpfs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"load '{extension_httpfs()}'")


def connecter_chiffre(chemin: Path, cle_chiffrement: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the encrypted warehouse attached and selected."""
    # spills (beyond memory_limit) go next to the warehouse, encrypted; the purge destroys them
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "temp_directory": str(chemin) + ".tmp",
            "temp_file_encryption": True,
        }
    )
    charger_httpfs(con)
    litteral = cle_chiffrement.replace("'", "''")
    chemin_sql = str(chemin).replace("'", "''")
    try:
        con.execute(f"attach '{chemin_sql}' as {ALIAS} (encryption_key '{litteral}')")
    except duckdb.Error as exc:
        con.close()
        raise ErreurConfiguration(
            f"{chemin} : impossible d'ouvrir l'entrepôt chiffré avec cette clé ({VARIABLE_CLE}) ; "
            "la clé est-elle celle de cette étude ?"
        ) from exc
    con.execute(f"use {ALIAS}")
    return con


def changer_cle(chemin: Path, ancienne: str, nouvelle: str) -> None:
    """Re-encrypt the warehouse with a new key: copy into a new encrypted file, destroy the old."""
    from .purge import effacer

    provisoire = Path(str(chemin) + ".nouveau")
    if provisoire.exists():
        effacer(provisoire)
    con = connecter_chiffre(chemin, ancienne)
    try:
        litteral = nouvelle.replace("'", "''")
        con.execute(f"attach '{provisoire}' as nouveau (encryption_key '{litteral}')")
        con.execute(f"copy from database {ALIAS} to nouveau")
        con.execute("detach nouveau")
    finally:
        con.close()
    for ancien in (chemin, Path(str(chemin) + ".wal")):
        if ancien.exists():
            effacer(ancien)
    provisoire.rename(chemin)
