"""The release as the exports read it: only the secrecy-checked marts (published values, `s`,
`nd` and why), the landlords' restitutions (`fct_restitutions`: primary rules only), the
zones, the catalogue and the study's parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property


@dataclass
class Indicateur:
    code: str
    libelle: str
    famille: str
    type: str
    unite: str
    partition: str | None
    definition: str


@dataclass
class Zone:
    maille: str
    code: str
    libelle: str
    commune: str | None
    epci: str | None
    qpv: str | None


@dataclass
class CoutSecret:
    """What secondary suppression costs at one maille (fct_secret_synthese): indicator rows
    that no primary rule hides (neither primary, nor `nd`, nor public by law), and how many of
    them are published, for all landlords together and for the landlords' rows."""

    non_primaires_ensemble: int
    publiees_ensemble: int
    non_primaires_bailleurs: int
    publiees_bailleurs: int


@dataclass
class Publication:
    etude: str
    code_epci: str
    libelle_epci: str
    millesime: int
    date_reference: dt.date
    seuil: int
    taux_reponse_minimal: float
    bailleurs: dict[str, str]  # code -> name
    indicateurs: list[Indicateur]
    zones: dict[tuple[str, str], Zone]
    # (maille, zone, landlord, indicator) -> (mark, numerator, denominator, value); mark:
    # publie, s, nd (low response rate) or nc (NON_COMMUNIQUE: variable not supplied)
    cellules: dict[tuple[str, str, str, str], tuple[str, int | None, int | None, float | None]]
    cibles_auditees: int
    cibles_exposees: int
    # the landlords' restitutions (`fct_restitutions`), same shape as `cellules`
    restitutions: dict[tuple[str, str, str, str], tuple] = field(default_factory=dict)
    couts: dict[str, CoutSecret] = field(default_factory=dict)  # maille -> its secrecy cost
    # the study's référentiels (with or without dwellings): maille (commune, iris, qpv) ->
    # code -> its commune (IRIS, QPV) or EPCI (commune); the maps check contour files with it
    geographie: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def restitution(self) -> Publication:
        """The release as a landlord's restitution shows it: its own rows of
        `fct_restitutions` (primary rules only) in place of the CIL release's."""
        return replace(self, cellules=self.restitutions)

    @property
    def par_ligne(self) -> dict[tuple[str, str], list[tuple[str, str, tuple]]]:
        """(maille, landlord) -> its rows as (zone, indicator, cell), in `cellules` order: the
        workbook and the report read them maille by maille (a scan of every row each time
        was a quarter of the 20,000-dwelling demo's export). Computed once per `cellules`
        (a copy given other cells gets its own)."""
        cache = self.__dict__.get("_par_ligne")
        if cache is None or cache[0] is not self.cellules:
            resultat: dict[tuple[str, str], list[tuple[str, str, tuple]]] = {}
            for (maille, zone, bailleur, indicateur), cellule in self.cellules.items():
                resultat.setdefault((maille, bailleur), []).append((zone, indicateur, cellule))
            cache = self.__dict__["_par_ligne"] = (self.cellules, resultat)
        return cache[1]

    def statuts(self, maille: str, bailleur: str) -> list[str]:
        """The marks of the rows of one maille for one landlord (or `ensemble`)."""
        return [c[0] for _, _, c in self.par_ligne.get((maille, bailleur), [])]

    def codes_zones(self, maille: str, bailleur: str) -> set[str]:
        """The zones of one maille that have rows for one landlord (or `ensemble`)."""
        return {z for z, _, _ in self.par_ligne.get((maille, bailleur), [])}

    @cached_property
    def publies(self) -> set[tuple[str, str]]:
        """(maille, indicator) pairs the release has rows for: the study's publication plan."""
        return {(maille, indicateur) for (maille, _, _, indicateur) in self.cellules}


# the mark of a `nd` row whose variable its landlords did not supply (motif_nd non_disponible):
# not a secret, not a zero, not a low response rate; and back to the mart's (statut, motif_nd)
NON_COMMUNIQUE = "nc"
STATUTS_MART = {"nd": ("nd", "reponse_insuffisante"), NON_COMMUNIQUE: ("nd", "non_disponible")}

# the models an export reads (`exp_publication` refs them), by name -> schema in the warehouse
RELATIONS = {
    "fct_indicateurs": "marts",
    "fct_restitutions": "marts",
    "fct_secret_synthese": "marts",
    "dim_zones": "marts",
    "dim_indicateurs": "marts",
    "stg_etude__parametres": "staging",
    "stg_bailleurs__bailleurs": "staging",
    "int_secret__audit": "intermediate",
    "stg_geographie__communes": "staging",
    "stg_geographie__iris": "staging",
    "stg_geographie__qpv": "staging",
}
GEOGRAPHIE = {
    "commune": ("stg_geographie__communes", "code_commune, code_epci"),
    "iris": ("stg_geographie__iris", "code_iris, code_commune"),
    "qpv": ("stg_geographie__qpv", "code_qpv, code_commune"),
}


def relations_entrepot(con) -> dict:
    """The relations `lire` needs, from an open connection to a built warehouse (outside dbt)."""
    return {nom: con.sql(f"select * from {schema}.{nom}") for nom, schema in RELATIONS.items()}


def lire(relations: dict) -> Publication:
    """`relations`: DuckDB relations of the models of RELATIONS, by model name."""
    (parametres,) = (
        relations["stg_etude__parametres"]
        .select(
            "etude, code_epci, libelle_epci, millesime, date_reference, effectif_minimum, "
            "taux_reponse_minimum"
        )
        .fetchall()
    )
    bailleurs = dict(
        relations["stg_bailleurs__bailleurs"]
        .order("bailleur")
        .select("bailleur, coalesce(libelle_bailleur, bailleur)")
        .fetchall()
    )
    indicateurs = [
        Indicateur(*ligne)
        for ligne in relations["dim_indicateurs"]
        .order("ordre")
        .select("indicateur, libelle, famille, type, unite, partition, definition")
        .fetchall()
    ]
    zones = {
        (m, c): Zone(m, c, lib, com, epci, qpv)
        for m, c, lib, com, epci, qpv in relations["dim_zones"]
        .select("maille, code_zone, libelle, code_commune, code_epci, code_qpv")
        .fetchall()
    }
    ((auditees, exposees),) = (
        relations["int_secret__audit"]
        .aggregate("count(*), count(*) filter (where verdict <> 'ok')")
        .fetchall()
    )
    etude, epci, libelle, millesime, date_reference, seuil, taux = parametres
    return Publication(
        etude=etude,
        code_epci=epci,
        libelle_epci=libelle or epci,
        millesime=int(millesime),
        date_reference=date_reference,
        seuil=int(seuil),
        taux_reponse_minimal=float(taux),
        bailleurs=bailleurs,
        indicateurs=indicateurs,
        zones=zones,
        cibles_auditees=int(auditees),
        cibles_exposees=int(exposees),
        cellules=_lignes(relations["fct_indicateurs"]),
        restitutions=_lignes(relations["fct_restitutions"]),
        couts={
            maille: CoutSecret(*(int(x) for x in comptes))
            for maille, *comptes in relations["fct_secret_synthese"]
            .select(
                "maille, nb_lignes_non_primaires_ensemble, "
                "nb_lignes_non_primaires_publiees_ensemble, nb_lignes_non_primaires_bailleurs, "
                "nb_lignes_non_primaires_publiees_bailleurs"
            )
            .fetchall()
        },
        geographie={
            maille: dict(relations[modele].select(colonnes).fetchall())
            for maille, (modele, colonnes) in GEOGRAPHIE.items()
            if modele in relations
        },
    )


def _lignes(relation) -> dict:
    """The cells of a mart shaped like fct_indicateurs, `nd` rows of absent data marked `nc`."""
    cellules = {}
    for m, z, b, i, s, motif, n, d, v in relation.select(
        "maille, code_zone, bailleur, indicateur, statut, motif_nd, numerateur, denominateur, "
        "valeur"
    ).fetchall():
        marque = NON_COMMUNIQUE if s == "nd" and motif == "non_disponible" else s
        cellules[(m, z, b, i)] = (marque, n, d, v)
    return cellules
