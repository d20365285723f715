"""Encryption at rest of the warehouse: DuckDB's AES-GCM database encryption, and the study's
keys derived from its passphrase.

Writing an encrypted DuckDB file needs the httpfs extension (its OpenSSL); it is loaded from the
`duckdb-extension-httpfs` package installed from PyPI, checked against a pinned SHA-256, never
downloaded. The passphrase comes from the environment variable PEUPLEMENT_CLE, or from the system
keyring (service « peuplement », entry = the study's name) when the `keyring` package has a
backend; never from a file of the study.

Any passphrase works (accents, spaces, any length): it is never given to DuckDB. scrypt (RFC 7914)
turns it, with a random salt kept in `cles/derivation.json`, into a root key; HMAC-SHA256 of the
root gives the warehouse key (64 hex characters), a verifier (a wrong passphrase is told apart
from a study in use without touching the warehouse) and the wrapping of the register's MAC key
(random, kept for the whole study: a change of passphrase re-wraps it, so the register stays
verifiable). The derivation file holds no secret: salt, parameters, verifier, wrapped key.
A study encrypted before this file existed (the passphrase given to DuckDB as is) is re-encrypted
with the derived key the first time it is opened (`cle_entrepot`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..erreurs import ErreurConfiguration, ErreurPeuplement, disque_plein, erreur_disque_plein
from ..etude.extensions import extension_locale

VARIABLE_CLE = "PEUPLEMENT_CLE"
# set by `peuplement build` for its dbt child (the exports write the register); dbt masks it
VARIABLE_CLE_REGISTRE = "DBT_ENV_SECRET_PEUPLEMENT_REGISTRE"
ALIAS = "entrepot"
FICHIER_DERIVATION = Path("cles") / "derivation.json"
# scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB, about 0.1 s; stored with each study
PARAMETRES_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
# duckdb-extension-httpfs==1.5.5 (PyPI), linux x86_64
EMPREINTES_HTTPFS = {"887c392b1e49128d11667c81e3698d8b00dfdeb456771acf66d05a0f74f7b7d8"}


class ErreurCle(ErreurConfiguration):
    """The passphrase is not this study's."""


class ErreurEtudeOccupee(ErreurConfiguration):
    """Another command holds the warehouse."""


def extension_httpfs() -> Path:
    """The local httpfs extension file, after checking its hash."""
    return extension_locale("httpfs", EMPREINTES_HTTPFS)


def cle(nom_etude: str | None = None) -> str | None:
    """The study's passphrase: PEUPLEMENT_CLE, else the system keyring, else None."""
    valeur = os.environ.get(VARIABLE_CLE)
    if valeur:
        return valeur
    try:
        import keyring

        return keyring.get_password("peuplement", nom_etude or "defaut")
    except Exception:  # no keyring package or no backend on this machine
        return None


# -- keys derived from the passphrase ---------------------------------------------------------
@dataclass(frozen=True)
class Cles:
    entrepot: str  # DuckDB encryption_key (hex, ASCII)
    registre: bytes  # HMAC key of the register


_CACHE: dict[tuple[str, str], bytes] = {}


def _racine(phrase: str, derivation: dict) -> bytes:
    cle_cache = (phrase, json.dumps(derivation, sort_keys=True))
    if cle_cache not in _CACHE:
        n, r, p = (int(derivation[k]) for k in ("n", "r", "p"))
        _CACHE[cle_cache] = hashlib.scrypt(
            unicodedata.normalize("NFC", phrase).encode("utf-8"),
            salt=bytes.fromhex(derivation["sel"]),
            n=n,
            r=r,
            p=p,
            maxmem=256 * r * n + (1 << 20),
            dklen=32,
        )
    return _CACHE[cle_cache]


def _prf(racine: bytes, usage: str) -> bytes:
    return hmac.new(racine, f"peuplement/{usage}".encode(), hashlib.sha256).digest()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _nouvelle_derivation(phrase: str, cle_registre: bytes | None = None) -> dict:
    derivation = {"version": 1, "kdf": "scrypt", **PARAMETRES_SCRYPT, "sel": secrets.token_hex(16)}
    racine = _racine(phrase, derivation)
    derivation["verificateur"] = _prf(racine, "verification").hex()
    cle_registre = cle_registre or secrets.token_bytes(32)
    derivation["registre"] = _xor(cle_registre, _prf(racine, "registre")).hex()
    return derivation


def _cles(phrase: str, derivation: dict, chemin: Path) -> Cles:
    racine = _racine(phrase, derivation)
    if not hmac.compare_digest(_prf(racine, "verification").hex(), derivation["verificateur"]):
        raise ErreurCle(
            f"la clé ({VARIABLE_CLE}) n'est pas celle de cette étude (vérifiée avec {chemin}) ; "
            "aucune donnée n'a été lue ni écrite"
        )
    return Cles(
        entrepot=_prf(racine, "entrepot").hex(),
        registre=_xor(bytes.fromhex(derivation["registre"]), _prf(racine, "registre")),
    )


def lire_derivation(dossier_etude: Path) -> dict | None:
    chemin = Path(dossier_etude) / FICHIER_DERIVATION
    if not chemin.is_file():
        return None
    try:
        derivation = json.loads(chemin.read_text(encoding="utf-8"))
        for champ in ("sel", "verificateur", "registre", "n", "r", "p"):
            derivation[champ]  # noqa: B018 (presence)
        return derivation
    except (ValueError, KeyError, TypeError) as exc:
        raise ErreurConfiguration(
            f"{chemin} illisible ou modifié : ce fichier (sel et paramètres de dérivation de la "
            "clé) ne doit pas être édité ; restaurez-le depuis une sauvegarde"
        ) from exc


def _ecrire_derivation(chemin: Path, derivation: dict) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    provisoire = chemin.with_name(chemin.name + ".tmp")
    with open(provisoire, "w", encoding="utf-8") as f:
        json.dump(derivation, f, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(provisoire, chemin)


def cles_etude(dossier_etude: Path, phrase: str, creer: bool = False) -> Cles | None:
    """The study's keys from its passphrase (None when the study has no derivation file and
    `creer` is false); raises ErreurCle for a passphrase that is not the study's."""
    chemin = Path(dossier_etude) / FICHIER_DERIVATION
    derivation = lire_derivation(dossier_etude)
    if derivation is None:
        if not creer:
            return None
        derivation = _nouvelle_derivation(phrase)
        _ecrire_derivation(chemin, derivation)
    return _cles(phrase, derivation, chemin)


def cle_registre_environnement() -> bytes | None:
    valeur = os.environ.get(VARIABLE_CLE_REGISTRE)
    return bytes.fromhex(valeur) if valeur and re.fullmatch(r"[0-9a-f]{64}", valeur) else None


def cle_entrepot(etude, phrase: str | None = None) -> str | None:
    """The DuckDB key of the study's warehouse (None without a passphrase). A warehouse encrypted
    with the raw passphrase (before key derivation) is migrated here, once; a change of key
    stopped half-way is finished here."""
    phrase = phrase or cle(etude.nom)
    if not phrase:
        return None
    if _en_attente(etude).exists():
        repris = _reprendre(etude, phrase)
        if repris:
            return repris
    if lire_derivation(etude.dossier) is None and etude.chemin_base.exists():
        return _migrer(etude, phrase)
    return cles_etude(etude.dossier, phrase, creer=True).entrepot


def _en_attente(etude) -> Path:
    chemin = etude.dossier / FICHIER_DERIVATION
    return chemin.with_name(chemin.name + ".nouveau")


def _reprendre(etude, phrase: str) -> str | None:
    """A derivation written before its warehouse was re-encrypted: kept if the warehouse opens
    with it (the re-encryption finished), dropped if it opens with the current one."""
    en_attente = _en_attente(etude)
    base = etude.chemin_base
    if not base.exists():
        en_attente.unlink()
        return None
    try:
        cles = _cles(phrase, json.loads(en_attente.read_text(encoding="utf-8")), en_attente)
        connecter_chiffre(base, cles.entrepot).close()
    except (ErreurCle, ValueError, KeyError):
        actuelle = lire_derivation(etude.dossier)
        ancienne = _cles(phrase, actuelle, etude.dossier / FICHIER_DERIVATION) if actuelle else None
        connecter_chiffre(base, ancienne.entrepot if ancienne else phrase).close()
        en_attente.unlink()  # the warehouse is still under the current key
        return None
    os.replace(en_attente, etude.dossier / FICHIER_DERIVATION)
    return cles.entrepot


def _reencrypter(etude, ancienne_cle: str, derivation: dict, phrase: str) -> Cles:
    """Write the new derivation aside, re-encrypt the warehouse, then put the derivation in
    place: a crash in between is finished by `_reprendre`."""
    en_attente = _en_attente(etude)
    _ecrire_derivation(en_attente, derivation)
    cles = _cles(phrase, derivation, en_attente)
    try:
        if etude.chemin_base.exists():
            changer_cle(etude.chemin_base, ancienne_cle, cles.entrepot)
    except BaseException:
        en_attente.unlink()
        raise
    os.replace(en_attente, etude.dossier / FICHIER_DERIVATION)
    return cles


def _migrer(etude, phrase: str) -> str:
    """Re-encrypt a warehouse keyed with the raw passphrase with the derived key."""
    cles = _reencrypter(etude, phrase, _nouvelle_derivation(phrase), phrase)
    from .registre import Registre

    Registre(etude.dossier, cle=cles.registre).ajouter(
        "changement_cle",
        etude.operateur,
        {"base": etude.chemin_base.name, "derivation": "scrypt"},
        "reussi",
        "entrepôt rechiffré avec une clé dérivée de la phrase secrète (scrypt, sel de l'étude) : "
        "toute phrase secrète est désormais acceptée",
    )
    return cles.entrepot


def changer_phrase(etude, ancienne: str, nouvelle: str) -> None:
    """A new passphrase: new salt, warehouse re-encrypted, the register's key re-wrapped."""
    ancienne_cle = cle_entrepot(etude, ancienne)
    anciennes = cles_etude(etude.dossier, ancienne, creer=True)
    _reencrypter(etude, ancienne_cle, _nouvelle_derivation(nouvelle, anciennes.registre), nouvelle)


# -- DuckDB -----------------------------------------------------------------------------------
def charger_httpfs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"load '{extension_httpfs()}'")


def erreur_ouverture(chemin: Path, exc: Exception) -> ErreurPeuplement:
    """A true French message for a warehouse that does not open."""
    texte = str(exc)
    if "lock" in texte.lower():
        pid = re.search(r"PID (\d+)", texte)
        return ErreurEtudeOccupee(
            f"{chemin} : l'étude est utilisée par une autre commande"
            + (f" (processus {pid.group(1)})" if pid else "")
            + " ; attendez qu'elle se termine, puis relancez (rien n'a été écrit)"
        )
    if "encryption key" in texte.lower():
        return ErreurCle(
            f"{chemin} : la clé ({VARIABLE_CLE}) n'est pas celle de cet entrepôt chiffré"
        )
    if disque_plein(exc):
        return erreur_disque_plein(chemin.parent, 0, "l'entrepôt ne peut pas être ouvert")
    return ErreurConfiguration(
        f"{chemin} : impossible d'ouvrir l'entrepôt ({type(exc).__name__}) ; fichier abîmé ou "
        "qui n'est pas une base DuckDB"
    )


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
        raise erreur_ouverture(chemin, exc) from exc
    con.execute(f"use {ALIAS}")
    return con


def changer_cle(chemin: Path, ancienne: str, nouvelle: str) -> None:
    """Re-encrypt the warehouse with a new DuckDB key: copy into a new encrypted file, destroy
    the old one."""
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


def environnement_dbt(etude) -> dict[str, str]:
    """What dbt needs to open the encrypted warehouse and seal the register's export entry
    (empty without a passphrase). dbt masks DBT_ENV_SECRET_* values in its logs."""
    phrase = cle(etude.nom)
    if not phrase:
        return {}
    cle_db = cle_entrepot(etude, phrase)
    return {
        "PEUPLEMENT_CIBLE": "chiffre",
        "DBT_ENV_SECRET_PEUPLEMENT_CLE": cle_db,
        VARIABLE_CLE_REGISTRE: cles_etude(etude.dossier, phrase).registre.hex(),
    }
