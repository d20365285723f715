"""The release as the exports read it: only the secrecy-checked marts (published values, `s`,
`nd`), the zones, the catalogue and the study's parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    # (maille, zone, landlord, indicator) -> (status, numerator, denominator, value)
    cellules: dict[tuple[str, str, str, str], tuple[str, int | None, int | None, float | None]]
    cibles_auditees: int
    cibles_exposees: int

    @cached_property
    def publies(self) -> set[tuple[str, str]]:
        """(maille, indicator) pairs the release has rows for: the study's publication plan."""
        return {(maille, indicateur) for (maille, _, _, indicateur) in self.cellules}


def lire(relations: dict) -> Publication:
    """`relations`: DuckDB relations of the marts, by model name."""
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
    cellules = {
        (m, z, b, i): (s, n, d, v)
        for m, z, b, i, s, n, d, v in relations["fct_indicateurs"]
        .select("maille, code_zone, bailleur, indicateur, statut, numerateur, denominateur, valeur")
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
        cellules=cellules,
        cibles_auditees=int(auditees),
        cibles_exposees=int(exposees),
    )
