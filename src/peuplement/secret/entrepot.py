"""The secrecy step inside `dbt build`: read the secrecy models, protect, audit.

Called by the dbt Python models `int_secret__masquage` and `int_secret__audit`; each receives
DuckDB relations and returns an Arrow table.
"""

from __future__ import annotations

import json
import os

import pyarrow as pa

from ..parallele import executer
from .audit import TABLES_DES_BAILLEURS, Reserve, Resultat, auditer
from .lecteurs import EXTERIEUR, Lecteurs
from .modele import Table
from .protection import proteger_publication
from .publication import Etiquette, Publication, construire
from .solveur import compter

COLONNES_BASE = "id_cellule, bailleur, code_variable, valeur, logements, bornee_par_logements"
COLONNES_APPARTENANCES = "id_cellule, maille, code_zone"
COLONNES_IDENTITES = "identite, code_variable, coefficient"
COLONNES_DISPONIBILITES = "bailleur, code_variable"
# an unsafe release is refused whatever the count: past this many exposed targets, stop looking
ECHECS_MAX = 100
# a file where the masking and the audit append what they did (counts only, no value), one JSON
# line each, for the benchmarks (`scripts/bench_echelle.py`); unset: nothing is written
VARIABLE_MESURES = "PEUPLEMENT_MESURES"


def ecrire_mesures(etape: str, mesures: dict) -> None:
    chemin = os.environ.get(VARIABLE_MESURES)
    if chemin:
        with open(chemin, "a", encoding="utf-8") as f:
            f.write(json.dumps({"etape": etape, **mesures}) + "\n")


def _lignes(relation, colonnes: str) -> list[tuple]:
    return relation.select(colonnes).fetchall()


def parametres(relation) -> tuple[float, bool]:
    """(threshold, secondary suppression on) from the one-row parameters model."""
    ((seuil, masquage_secondaire),) = relation.select("seuil, masquage_secondaire").fetchall()
    return float(seuil), bool(masquage_secondaire)


def publication(
    base, cellules, appartenances, identites, disponibilites, colonne_statut: str, lignes=None
) -> Publication:
    """The model of the release from the secrecy models; `lignes` (`int_secret__lignes`): the
    indicator lines each cell carries, which weigh its hiding cost (the masking only)."""
    return construire(
        _lignes(base, COLONNES_BASE),
        _lignes(
            cellules,
            f"maille, code_zone, bailleur, code_variable, valeur, {colonne_statut}, exigence_haute",
        ),
        _lignes(appartenances, COLONNES_APPARTENANCES),
        _lignes(identites, COLONNES_IDENTITES),
        _lignes(disponibilites.filter("not disponible"), COLONNES_DISPONIBILITES),
        None
        if lignes is None
        else {(m, v): int(n) for m, v, n in _lignes(lignes, "maille, code_variable, nb_lignes")},
    )


def masquer(
    base,
    cellules,
    appartenances,
    identites,
    disponibilites,
    seuil: float,
    secondaire: bool,
    lignes=None,
) -> pa.Table:
    """Final status of every published row's cell: primary rules from SQL, then secondary
    suppression over the whole release (skipped when `secondaire` is false: a deliberately
    unsafe release, which the audit must stop)."""
    pub = publication(
        base, cellules, appartenances, identites, disponibilites, "statut_initial", lignes
    )
    table = pub.table
    if secondaire:
        mesures: dict = {"cellules": len(table.cellules)}
        table = proteger_publication(table, seuil, pub.guides, Lecteurs(pub), mesures=mesures)
        ecrire_mesures("masquage", mesures)
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


def _etiquettes(pub: Publication) -> dict[str, Etiquette]:
    """The first published row (sorted) of each model cell, to name a target in French."""
    premieres: dict[str, Etiquette] = {}
    for e in sorted(pub.cellule_de, key=lambda e: (e.maille, e.code_zone, e.bailleur, e.variable)):
        premieres.setdefault(pub.cellule_de[e], e)
    return premieres


def auditer_composante(table: Table, lecteurs: Lecteurs, seuil: float) -> list[list[Resultat]]:
    """The audit of one component of the release (a table of its own), for every reader: one
    list of results per reader, in `lecteurs.noms()` order. The landlords go first: the tables
    their programs find are the outsider's witnesses (`audit.Reserve`), so that most of the
    outsider's targets need no program of their own."""
    noms = lecteurs.noms()
    reserve = Reserve(table, TABLES_DES_BAILLEURS)
    resultats = {}
    for lecteur in noms[1:] + noms[:1]:
        resultats[lecteur] = auditer(
            lecteurs.vue(table, lecteur),
            seuil,
            exhaustif=False,
            echecs_max=ECHECS_MAX,
            reserve=reserve,
            recolter=lecteur != EXTERIEUR,
        )
    return [resultats[lecteur] for lecteur in noms]


def auditer_lecteurs(
    pub: Publication, seuil: float, processus: int | None = None, mesures: dict | None = None
) -> list[tuple[str, Resultat]]:
    """(reader, result) for every target of the release and every reader, reader by reader.
    The components of the release are independent problems, audited in a pool of processes
    (`parallele`, the same results whatever their number); in each component, past
    `ECHECS_MAX` exposed targets for one reader the rest is `non_verifie` (the release is
    refused anyway). `mesures` (a dict, when given) receives the components audited, the
    cells of the largest, the readers and the programs solved."""
    lecteurs = Lecteurs(pub)
    taches, poids = [], []
    for cellules, relations in pub.table.composantes():
        if any(pub.table.cellules[c].cachee for c in cellules):
            taches.append(
                (auditer_composante, pub.table.sous_table(cellules, relations),
                 lecteurs.restreints(cellules), seuil)
            )  # fmt: skip
            poids.append(len(cellules))
    comptes = executer(compter, taches, poids, processus)
    par_composante = [resultats for resultats, _ in comptes]
    if mesures is not None:
        mesures.update(
            composantes=len(taches),
            plus_grande=max(poids, default=0),
            lecteurs=len(lecteurs.noms()),
            programmes=sum(n for _, n in comptes),
        )
    return [
        (lecteur, r)
        for i, lecteur in enumerate(lecteurs.noms())
        for resultats in par_composante
        for r in resultats[i]
    ]


def auditer_publication(
    base, statuts, appartenances, identites, disponibilites, seuil: float
) -> pa.Table:
    """Every target of the final pattern for every reader (the outsider, then each landlord
    with its own cells known), its range as that reader can establish it, and the verdict
    (`ok` or the reason of the failure). Each target is named by the published row of its
    first cell (maille, zone, landlord, variable), empty for an elementary cell no row shows."""
    pub = publication(base, statuts, appartenances, identites, disponibilites, "statut")
    etiquettes = _etiquettes(pub)
    mesures: dict = {"cellules": len(pub.table.cellules)}
    lignes = auditer_lecteurs(pub, seuil, mesures=mesures)
    ecrire_mesures("audit", {**mesures, "cibles": len(lignes)})
    nommees = [etiquettes.get(r.cible.termes[-1][0]) for _, r in lignes]
    return pa.table(
        {
            "lecteur": [lecteur for lecteur, _ in lignes],
            "cible": [r.cible.id for _, r in lignes],
            "nature": [r.cible.nature for _, r in lignes],
            "maille": [e.maille if e else None for e in nommees],
            "code_zone": [e.code_zone if e else None for e in nommees],
            "bailleur": [e.bailleur if e else None for e in nommees],
            "code_variable": [e.variable if e else None for e in nommees],
            "minimum": [float(r.minimum) for _, r in lignes],
            "maximum": [float(r.maximum) for _, r in lignes],
            "exigence_haute": [r.cible.exigence_haute for _, r in lignes],
            "verdict": [r.motif or "ok" for _, r in lignes],
        }
    )
