"""`peuplement charger`: every new file of a study into DuckDB, in one transaction, nothing lost.

A delivery is what one source sent for the millésime: the data files of one landlord's folder,
or the files of one reference dataset. When a delivery's set of files (or its mapping file)
changes, the files that left are retired with their rows, and the new ones are loaded.

The steps live in their own modules: `traitement` (one delivery against the warehouse),
`anticipation` (the next workbook parsed in a background thread),
`fichier` (one file end to end), `choix_feuille`, `depot` (raw tables and row checks) and
`rapport` (per-file reconciliation). This module owns the transaction and the register entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib.abc
import os
import sys
import uuid
from collections.abc import Callable, Iterator

import duckdb

from ..erreurs import ErreurConfiguration, disque_plein, erreur_disque_plein
from ..etude import entrepot
from ..etude.configuration import Etude
from ..protection.registre import Registre
from .anticipation import Anticipation
from .livraisons import lister_livraisons, total_octets
from .rapport import (
    RapportFichier,
    ResultatChargement,
    alertes,
    donnees_registre,
    enregistrer_rapport,
)
from .session import Session, sans_progression
from .traitement import fichiers_actifs, planifier, traiter

__all__ = ["RapportFichier", "ResultatChargement", "charger", "nouvel_identifiant"]


def nouvel_identifiant() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@contextlib.contextmanager
def sans_ramasse_miettes() -> Iterator[None]:
    """A sheet is read as millions of cells in hundreds of thousands of lists that hold no
    reference cycle: Python's cycle collector would walk them over and over (about a tenth of
    a large file's load). Reference counting still frees everything as usual."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


class _SansPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, nom: str, chemin: object = None, cible: object = None) -> None:
        if nom == "pandas" or nom.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {nom!r}", name=nom)


@contextlib.contextmanager
def sans_pandas() -> Iterator[None]:
    """pandas is no dependency of the loader, but where it is installed (a development
    install, a data scientist's environment) pyarrow and DuckDB import it at their first
    conversion only to tell its types apart (0.5-0.8 s of a large file's load). During the
    load it cannot be imported: the load runs as where pandas is not installed. Once it is
    over, pandas imports again (pyarrow and DuckDB then use it as usual)."""
    if "pandas" in sys.modules:
        yield
        return
    bloqueur = _SansPandas()
    sys.meta_path.insert(0, bloqueur)
    try:
        yield
    finally:
        sys.meta_path.remove(bloqueur)


def borner_memoire(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's memory as for the build (PEUPLEMENT_MEMOIRE, 4GB by default, where DuckDB's own
    default is 80 % of the machine): beyond it, DuckDB writes to disk."""
    limite = os.environ.get("PEUPLEMENT_MEMOIRE", "4GB")
    try:
        con.execute("set memory_limit = ?", [limite])
    except duckdb.Error as exc:
        raise ErreurConfiguration(
            f"PEUPLEMENT_MEMOIRE = « {limite} » n'est pas une quantité de mémoire lisible "
            "(attendu par exemple 4GB ou 4000MB)"
        ) from exc


def charger(
    etude: Etude,
    operateur: str | None = None,
    progression: Callable[[str, int], None] | None = None,
    aujourdhui: dt.date | None = None,
) -> ResultatChargement:
    """Load every new file of the study; all or nothing; recorded in the processing register.

    `progression(file, bytes)` is told each file it starts (with 0) and the size of each file
    done (with an empty name); `total_octets(etude)` is the sum of these sizes."""
    operateur = operateur or etude.operateur
    registre = Registre(etude.dossier)
    load_id = nouvel_identifiant()
    with (
        registre.operation("chargement", operateur, {"load_id": load_id}) as suivi,
        sans_ramasse_miettes(),
        sans_pandas(),
        Anticipation() as anticipation,
    ):
        alerte = etude.verifier_convention(aujourdhui)
        remarques: list[str] = [alerte] if alerte else []
        debut = dt.datetime.now().replace(microsecond=0)
        livraisons = lister_livraisons(etude, remarques)  # mapping errors surface before any write
        nouvel_entrepot = not etude.chemin_base.exists()
        if nouvel_entrepot:  # no file loaded yet: all are new, parsed while the warehouse is made
            plans = [planifier(etude, livraison, []) for livraison in livraisons]
            anticipation.lancer([c for plan in plans for c in plan.nouveaux])
        con = entrepot.ouvrir_etude(etude)
        try:
            borner_memoire(con)
            con.execute("begin transaction")
            session = Session(etude, con, load_id, progression or sans_progression)
            if not nouvel_entrepot:
                plans = [
                    planifier(etude, livraison, fichiers_actifs(con, etude, livraison))
                    for livraison in livraisons
                ]
                anticipation.lancer([c for plan in plans for c in plan.nouveaux])
            session.anticipation = anticipation
            rapports: list[RapportFichier] = []
            for plan in plans:
                rapports.extend(traiter(session, plan))
            enregistrer_rapport(session, rapports)
            avertir = alertes(session, rapports)
            entrepot.enregistrer_parametres(con, etude)
            con.execute(
                "insert into raw.chargements values (?, ?, ?, ?, ?, 'load', 'reussi', ?)",
                [
                    load_id,
                    debut,
                    dt.datetime.now().replace(microsecond=0),
                    operateur,
                    etude.nom,
                    f"{sum(r.statut == 'charge' for r in rapports)} fichier(s) chargé(s)",
                ],
            )
            entrepot.ecrire_ancre_registre(con, registre.ancre())
            con.execute("commit")
        except BaseException as exc:  # nothing of this load is kept, not even an « echec » row
            with contextlib.suppress(Exception):
                con.execute("rollback")
            if disque_plein(exc):
                # DuckDB: a few MB for the schema, then about 10 times the files loaded
                besoin = 16 * 2**20 + 10 * total_octets(etude) + etude.chemin_base.stat().st_size
                raise erreur_disque_plein(
                    etude.chemin_base.parent, besoin, "le chargement n'a rien écrit"
                ) from exc
            raise
        finally:
            with contextlib.suppress(Exception):
                con.close()
        suivi.donnees = donnees_registre(load_id, rapports)
        suivi.message = f"{sum(r.rows_loaded for r in rapports)} lignes chargées"
    return ResultatChargement(load_id, rapports, remarques, avertir)
