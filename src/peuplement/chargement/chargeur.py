"""`peuplement charger`: every new file of a study into DuckDB, in one transaction, nothing lost.

A delivery is what one source sent for the millésime: the data files of one landlord's folder,
or the files of one reference dataset. When a delivery's set of files (or its mapping file)
changes, the files that left are retired with their rows, and the new ones are loaded.

The steps live in their own modules: `traitement` (one delivery against the warehouse),
`fichier` (one file end to end), `choix_feuille`, `depot` (raw tables and row checks) and
`rapport` (per-file reconciliation). This module owns the transaction and the register entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from ..erreurs import ErreurConvention
from ..etude import entrepot
from ..etude.configuration import Etude
from ..protection.registre import Registre
from .livraisons import lister_livraisons
from .rapport import (
    RapportFichier,
    ResultatChargement,
    alertes,
    donnees_registre,
    enregistrer_rapport,
)
from .session import Session, sans_progression
from .traitement import traiter

__all__ = ["RapportFichier", "ResultatChargement", "charger", "nouvel_identifiant"]


def nouvel_identifiant() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


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
    try:
        alerte = etude.verifier_convention(aujourdhui)
    except ErreurConvention as exc:
        registre.ajouter("chargement", operateur, {}, "refuse", str(exc))
        raise
    remarques: list[str] = [alerte] if alerte else []
    load_id = nouvel_identifiant()
    debut = dt.datetime.now().replace(microsecond=0)
    con = None
    try:
        livraisons = lister_livraisons(etude, remarques)  # mapping errors surface before any write
        con = entrepot.ouvrir_etude(etude)
        con.execute("begin transaction")
        session = Session(etude, con, load_id, progression or sans_progression)
        rapports: list[RapportFichier] = []
        for livraison in livraisons:
            rapports.extend(traiter(session, livraison))
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
        con.execute("commit")
    except BaseException as exc:
        if con is not None:
            con.execute("rollback")
            con.execute(
                "insert into raw.chargements values (?, ?, ?, ?, ?, 'load', 'echec', ?)",
                [
                    load_id,
                    debut,
                    dt.datetime.now().replace(microsecond=0),
                    operateur,
                    etude.nom,
                    str(exc)[:2000],
                ],
            )
            con.close()
        registre.ajouter("chargement", operateur, {"load_id": load_id}, "echec", str(exc)[:2000])
        raise
    con.close()
    registre.ajouter(
        "chargement",
        operateur,
        donnees_registre(load_id, rapports),
        "reussi",
        f"{sum(r.rows_loaded for r in rapports)} lignes chargées",
    )
    return ResultatChargement(load_id, rapports, remarques, avertir)
