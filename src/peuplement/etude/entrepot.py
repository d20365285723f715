"""The DuckDB warehouse file: opening it and the raw schema the loader writes into."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..chargement.catalogue import JEUX, Jeu
from ..erreurs import ErreurConfiguration
from .configuration import Etude

SCHEMA_BRUT = "raw"

# Storage format of a new clear warehouse: that of the encrypted ones (DuckDB stays 1.5.5).
STOCKAGE = "v1.5.0"

# Lineage carried by every landed row.
COLONNES_LIGNAGE = (
    ("load_id", "varchar"),
    ("bailleur", "varchar"),
    ("fichier", "varchar"),
    ("feuille", "varchar"),
    ("ligne_source", "integer"),
    ("fichier_sha256", "varchar"),
    ("millesime", "integer"),
    ("charge_le", "timestamp"),
)

TABLES_TECHNIQUES = {
    "chargements": """
        load_id varchar primary key, debut timestamp, fin timestamp, operateur varchar,
        etude varchar, commande varchar, statut varchar, message varchar""",
    "fichiers": """
        fichier_sha256 varchar, jeu varchar, bailleur varchar, chemin varchar,
        nom_fichier varchar, feuille varchar, millesime integer, taille_octets bigint,
        encodage varchar, separateur varchar, config_sha256 varchar, load_id varchar,
        charge_le timestamp, actif boolean, retire_le timestamp, retire_par varchar,
        motif_retrait varchar""",
    "rapport_chargement": """
        load_id varchar, jeu varchar, bailleur varchar, fichier varchar, feuille varchar,
        fichier_sha256 varchar, statut varchar, rows_read integer, rows_loaded integer,
        rows_quarantined integer, rows_skipped integer, avertissements integer,
        raisons varchar, colonnes_ignorees varchar, message varchar""",
    "anomalies": """
        load_id varchar, jeu varchar, bailleur varchar, fichier varchar, feuille varchar,
        ligne_source integer, fichier_sha256 varchar, gravite varchar, code_raison varchar,
        champ varchar, colonne_source varchar, valeur varchar, message varchar""",
    "quarantaine": """
        load_id varchar, jeu varchar, bailleur varchar, fichier varchar, feuille varchar,
        ligne_source integer, fichier_sha256 varchar, raisons varchar, message varchar,
        contenu varchar""",
    "lignes_ignorees": """
        load_id varchar, jeu varchar, bailleur varchar, fichier varchar, feuille varchar,
        ligne_source integer, fichier_sha256 varchar, raison varchar, apercu varchar""",
    "parametres": """
        cle varchar primary key, valeur varchar""",
    "bailleurs": """
        bailleur varchar primary key, libelle varchar, dossier varchar""",
    "correspondances_valeurs": """
        jeu varchar, bailleur varchar, champ varchar, valeur_normalisee varchar,
        code varchar, origine varchar""",
    # the register's anchor (see protection/registre.py): entry count and last seal
    "registre_ancre": """
        entrees integer, empreinte varchar, ecrite_le timestamp""",
}

# Tables whose rows belong to one file: a retired file takes its rows with it.
TABLES_PAR_FICHIER = ("anomalies", "quarantaine", "lignes_ignorees")


def table_jeu(jeu: Jeu) -> str:
    return f"{SCHEMA_BRUT}.{jeu.table}"


def ouvrir(chemin: Path, cle: str | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse, encrypted when a key is given (see chiffrement.py), with its raw schema."""
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    if cle:
        from ..protection.chiffrement import connecter_chiffre

        con = connecter_chiffre(chemin, cle)
    else:
        try:
            con = duckdb.connect(
                str(chemin),
                config={
                    "autoinstall_known_extensions": False,
                    "temp_directory": str(chemin) + ".tmp",
                    # a new file in the storage format of the encrypted warehouses (DuckDB's
                    # default is 0.10's): its text columns compress as DICT_FSST, chosen and
                    # written faster (200,000 rows inserted in ~1.1 s instead of ~1.4 s of
                    # processor time). A file made before keeps its own format.
                    "storage_compatibility_version": STOCKAGE,
                },
            )
        except duckdb.Error as exc:
            from ..protection.chiffrement import erreur_ouverture

            raise erreur_ouverture(chemin, exc) from exc
    creer_schema(con)
    return con


def ouvrir_etude(etude: Etude) -> duckdb.DuckDBPyConnection:
    """The study's warehouse: encrypted with the study's key; in clear only in demo mode."""
    from ..protection.chiffrement import VARIABLE_CLE, cle_entrepot

    valeur = cle_entrepot(etude)
    if not valeur and not etude.demonstration:
        raise ErreurConfiguration(
            f"aucune clé de chiffrement : définissez {VARIABLE_CLE} (ou une entrée « peuplement » du "
            "trousseau système) ; les données personnelles ne sont jamais écrites en clair, sauf "
            "dans une étude de démonstration (mode: demonstration dans etude.yml)"
        )
    return ouvrir(etude.chemin_base, valeur)


def creer_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, and add the columns a newer catalogue introduced (one commit)."""
    con.execute("begin transaction")
    con.execute(f"create schema if not exists {SCHEMA_BRUT}")
    for nom, colonnes in TABLES_TECHNIQUES.items():
        con.execute(f"create table if not exists {SCHEMA_BRUT}.{nom} ({colonnes})")
    for jeu in JEUX.values():
        colonnes = list(COLONNES_LIGNAGE) + [(c, "varchar") for c in jeu.noms]
        ddl = ", ".join(f"{c} {t}" for c, t in colonnes)
        con.execute(f"create table if not exists {table_jeu(jeu)} ({ddl})")
        existantes = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [SCHEMA_BRUT, jeu.table],
            ).fetchall()
        }
        for c, t in colonnes:
            if c not in existantes:
                con.execute(f"alter table {table_jeu(jeu)} add column {c} {t}")
    con.execute("commit")


def enregistrer_parametres(con: duckdb.DuckDBPyConnection, etude: Etude) -> None:
    """The study's parameters (etude.yml), for dbt: one source of truth for every layer."""
    parametres = {
        "etude": etude.nom,
        "code_epci": etude.code_epci,
        "libelle_epci": etude.libelle_epci,
        "millesime": str(etude.millesime),
        "date_reference": etude.date_reference.isoformat(),
        "liste_qpv": str(etude.liste_qpv),
        "effectif_minimum": str(etude.effectif_minimum),
        "taux_reponse_minimum": str(etude.taux_reponse_minimum),
    }
    con.execute("delete from raw.parametres")
    con.executemany("insert into raw.parametres values (?, ?)", list(parametres.items()))


def ecrire_ancre_registre(con: duckdb.DuckDBPyConnection, ancre: dict) -> None:
    """Keep the register's anchor in the warehouse (inside the caller's transaction)."""
    con.execute("delete from raw.registre_ancre")
    con.execute(
        "insert into raw.registre_ancre values (?, ?, current_timestamp::timestamp)",
        [ancre["entrees"], ancre["empreinte"]],
    )


def lire_ancre_registre(dossier: Path) -> dict | None:
    """The register's anchor kept in the study's warehouse; None when it cannot be read (no
    warehouse, no passphrase, study in use): reading it never creates nor migrates anything."""
    from ..erreurs import ErreurPeuplement
    from ..protection.chiffrement import cle, cles_etude, connecter_chiffre
    from .configuration import charger_etude

    try:
        etude = charger_etude(dossier)
        if not etude.chemin_base.exists():
            return None
        phrase = cle(etude.nom)
        if phrase:
            cles = cles_etude(etude.dossier, phrase, creer=False)
            if cles is None:
                return None
            con = connecter_chiffre(etude.chemin_base, cles.entrepot)
        else:
            con = duckdb.connect(str(etude.chemin_base), read_only=True)
        try:
            ligne = con.execute("select entrees, empreinte from raw.registre_ancre").fetchone()
        finally:
            con.close()
    except (ErreurPeuplement, duckdb.Error):
        return None
    return {"entrees": ligne[0], "empreinte": ligne[1]} if ligne else None
