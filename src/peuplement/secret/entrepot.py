"""The secrecy step inside `dbt build`: read the secrecy models, protect, audit.

Called by the dbt Python models `int_secret__masquage` and `int_secret__audit`; each receives
DuckDB relations and returns an Arrow table.
"""

from __future__ import annotations

import pyarrow as pa

from .audit import auditer
from .protection import proteger_publication
from .publication import Publication, construire

COLONNES_BASE = "id_cellule, bailleur, code_variable, valeur, logements, bornee_par_logements"
COLONNES_APPARTENANCES = "id_cellule, maille, code_zone"
COLONNES_IDENTITES = "identite, code_variable, coefficient"
# an unsafe release is refused whatever the count: past this many exposed targets, stop looking
ECHECS_MAX = 100


def _lignes(relation, colonnes: str) -> list[tuple]:
    return relation.select(colonnes).fetchall()


def parametres(relation) -> tuple[float, bool]:
    """(threshold, secondary suppression on) from the one-row parameters model."""
    ((seuil, masquage_secondaire),) = relation.select("seuil, masquage_secondaire").fetchall()
    return float(seuil), bool(masquage_secondaire)


def publication(base, cellules, appartenances, identites, colonne_statut: str) -> Publication:
    return construire(
        _lignes(base, COLONNES_BASE),
        _lignes(
            cellules,
            f"maille, code_zone, bailleur, code_variable, valeur, {colonne_statut}, exigence_haute",
        ),
        _lignes(appartenances, COLONNES_APPARTENANCES),
        _lignes(identites, COLONNES_IDENTITES),
    )


def masquer(base, cellules, appartenances, identites, seuil: float, secondaire: bool) -> pa.Table:
    """Final status of every published row's cell: primary rules from SQL, then secondary
    suppression over the whole release (skipped when `secondaire` is false: a deliberately
    unsafe release, which the audit must stop)."""
    pub = publication(base, cellules, appartenances, identites, "statut_initial")
    table = pub.table
    if secondaire:
        table = proteger_publication(table, seuil, pub.guides)
    etiquettes = sorted(
        pub.cellule_de, key=lambda e: (e.maille, e.code_zone, e.bailleur, e.variable)
    )
    return pa.table(
        {
            "maille": [e.maille for e in etiquettes],
            "code_zone": [e.code_zone for e in etiquettes],
            "bailleur": [e.bailleur for e in etiquettes],
            "code_variable": [e.variable for e in etiquettes],
            "cellule_modele": [pub.cellule_de[e] for e in etiquettes],
            "statut": [table.cellules[pub.cellule_de[e]].statut for e in etiquettes],
        }
    )


def auditer_publication(base, statuts, appartenances, identites, seuil: float) -> pa.Table:
    """Every target of the final pattern, its range as an attacker can establish it, and the
    verdict (`ok` or the reason of the failure)."""
    pub = publication(base, statuts, appartenances, identites, "statut")
    resultats = auditer(pub.table, seuil, exhaustif=False, echecs_max=ECHECS_MAX)
    return pa.table(
        {
            "cible": [r.cible.id for r in resultats],
            "nature": [r.cible.nature for r in resultats],
            "minimum": [float(r.minimum) for r in resultats],
            "maximum": [float(r.maximum) for r in resultats],
            "exigence_haute": [r.cible.exigence_haute for r in resultats],
            "verdict": [r.motif or "ok" for r in resultats],
        }
    )
