"""Synthetic dwellings and households, vectorised (numpy) so that national size stays fast.

Distributions follow domain.md §6 (northern EPCI, OPS 2022), poorer inside QPV.
Every value is canonical here; the landlords' own spellings are applied when files are written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .geographie import Geographie

SITUATIONS = np.array(
    ["personne_seule", "monoparentale", "couple_sans_enfant", "couple_avec_enfants", "autre"]
)
REVENUS = np.array(["moins_20", "20_40", "40_60", "60_100", "plus_100", "inconnu"])
OCCUPATIONS = np.array(["loue", "vacant", "loue_tiers"])
MAX_OCCUPANTS = 16
DATE_REFERENCE = dt.date(2022, 1, 1)


@dataclass
class Parc:
    """One row per dwelling of the RPLS (index i), with its household if any."""

    n: int
    bailleur: np.ndarray  # landlord index
    iris: np.ndarray  # IRIS index
    commune: np.ndarray  # commune index
    qpv: np.ndarray  # QPV index or -1
    programme: np.ndarray  # programme number within the landlord
    nbpiece: np.ndarray
    surfhab: np.ndarray
    construct: np.ndarray
    typeconst: np.ndarray
    finan: np.ndarray
    id_rpls: np.ndarray  # str
    dans_ops: np.ndarray  # bool: the landlord's file has this dwelling
    occupation: np.ndarray  # index in OCCUPATIONS
    repondu: np.ndarray  # bool
    situation: np.ndarray  # index in SITUATIONS, -1 if no household data
    nb_enfants: np.ndarray
    nb_occupants: np.ndarray
    ages: np.ndarray  # (n, MAX_OCCUPANTS) ages, -1 when no occupant
    revenu: np.ndarray  # index in REVENUS
    revenu_pct: np.ndarray  # income as % of the PLUS ceiling
    apl: np.ndarray  # bool
    activite: np.ndarray  # (n, 4) stable, précaire, chômeur, sans emploi
    date_emmenagement: np.ndarray  # days since 1970-01-01
    recent: np.ndarray  # bool


def _choix(rng, n, probas_hors, probas_qpv, en_qpv):
    u = rng.random(n)
    cum_h, cum_q = np.cumsum(probas_hors), np.cumsum(probas_qpv)
    return np.where(
        en_qpv, np.searchsorted(cum_q, u * cum_q[-1]), np.searchsorted(cum_h, u * cum_h[-1])
    )


def generer(
    n: int,
    geo: Geographie,
    parts_bailleurs: np.ndarray,
    taux_reponse: np.ndarray,
    rng: np.random.Generator,
) -> Parc:
    iris = rng.choice(len(geo.poids_iris), size=n, p=geo.poids_iris / geo.poids_iris.sum())
    commune = geo.iris_commune[iris]
    qpv_iris = geo.iris_qpv[iris]
    en_qpv = (qpv_iris >= 0) & (rng.random(n) < 0.75)
    qpv = np.where(en_qpv, qpv_iris, -1)
    nb_bailleurs = len(parts_bailleurs)
    if nb_bailleurs <= 5:  # one EPCI: every landlord may own dwellings anywhere
        bailleur = rng.choice(nb_bailleurs, size=n, p=parts_bailleurs / parts_bailleurs.sum())
    else:  # national size: landlords are local, one or two per IRIS
        principal = iris * nb_bailleurs // len(geo.poids_iris)
        bailleur = (principal + (rng.random(n) < 0.3)) % nb_bailleurs
    # Dwellings of one landlord in one IRIS form programmes of ~60 dwellings.
    ordre = np.lexsort((rng.random(n), qpv, iris, bailleur))
    programme = np.empty(n, dtype=np.int64)
    cle = bailleur[ordre] * 10_000_000 + iris[ordre] * 10 + (qpv[ordre] >= 0)
    debut = np.r_[True, cle[1:] != cle[:-1]]
    rang_groupe = np.arange(n) - np.maximum.accumulate(np.where(debut, np.arange(n), 0))
    nouveau = debut | (rang_groupe % 60 == 0)
    programme[ordre] = np.cumsum(nouveau)
    nbpiece = np.clip(np.round(rng.normal(3.1, 1.0, n)), 1, 6).astype(np.int64)
    surfhab = np.round(18 + nbpiece * 17 + rng.normal(0, 6, n), 1)
    construct = rng.integers(1950, 2021, n)
    typeconst = np.where(rng.random(n) < 0.35, "I", "C")
    finan = rng.choice(
        np.array(["10", "12", "13", "14", "50", "52"]), n, p=[0.08, 0.45, 0.1, 0.07, 0.1, 0.2]
    )
    ids = rng.permutation(n) + 10_000_000
    id_rpls = np.char.add("62", np.char.zfill(ids.astype(str), 10))
    dans_ops = rng.random(n) > 0.015

    occupation = _choix(rng, n, [0.962, 0.03, 0.008], [0.955, 0.037, 0.008], en_qpv)
    occupe = occupation != 1
    repondu = occupe & (rng.random(n) < taux_reponse[bailleur])
    situation = _choix(
        rng, n, [0.40, 0.18, 0.145, 0.215, 0.06], [0.36, 0.25, 0.10, 0.235, 0.055], en_qpv
    )
    situation = np.where(repondu, situation, -1)
    extra = rng.geometric(0.55, n)  # 1, 2, 3... children for families
    nb_enfants = np.select(
        [situation == 1, situation == 3, situation == 4],
        [np.minimum(extra, 6), np.minimum(extra, 7), rng.integers(0, 2, n)],
        0,
    )
    adultes = np.select(
        [situation == 0, situation == 1, situation == 2, situation == 3, situation == 4],
        [1, 1, 2, 2, rng.integers(2, 4, n)],
        0,
    )
    nb_occupants = adultes + nb_enfants
    age_tit = np.select(
        [situation == 0, situation == 1, situation == 2, situation == 3],
        [rng.normal(62, 16, n), rng.normal(40, 9, n), rng.normal(60, 14, n), rng.normal(41, 8, n)],
        rng.normal(50, 15, n),
    )
    age_tit = np.clip(np.round(age_tit), 19, 98).astype(np.int64)
    ages = np.full((n, MAX_OCCUPANTS), -1, dtype=np.int64)
    ages[:, 0] = np.where(repondu, age_tit, -1)
    for k in range(1, MAX_OCCUPANTS):
        adulte = k < adultes
        enfant = (k >= adultes) & (k < nb_occupants)
        age_adulte = np.clip(age_tit + rng.integers(-8, 9, n), 18, 99)
        age_enfant = np.clip(rng.integers(0, 18, n), 0, np.maximum(age_tit - 17, 0))
        ages[:, k] = np.select([adulte, enfant], [age_adulte, age_enfant], -1)
    # households live in dwellings roughly fitted to their size (over-occupation stays possible)
    nbpiece = np.where(
        repondu, np.clip(np.maximum(nbpiece, np.ceil(nb_occupants / 2)), 1, 6), nbpiece
    ).astype(np.int64)
    surfhab = np.round(18 + nbpiece * 17 + rng.normal(0, 6, n), 1)
    revenu = _choix(
        rng, n, [0.19, 0.19, 0.18, 0.29, 0.13, 0.02], [0.31, 0.24, 0.18, 0.19, 0.06, 0.02], en_qpv
    )
    bornes = np.array([[0, 20], [20, 40], [40, 60], [60, 100], [100, 180], [0, 100]])
    revenu_pct = np.round(
        bornes[revenu, 0] + rng.random(n) * (bornes[revenu, 1] - bornes[revenu, 0]), 1
    )
    apl = rng.random(n) < np.array([0.86, 0.72, 0.48, 0.16, 0.02, 0.4])[revenu]
    # activity of adults (< 65: employed or not; >= 65: mostly retired)
    activite = np.zeros((n, 4), dtype=np.int64)
    probas = np.where(en_qpv[:, None], [0.32, 0.17, 0.2, 0.31], [0.48, 0.14, 0.13, 0.25])
    for k in range(MAX_OCCUPANTS):
        adulte = ages[:, k] >= 18
        if not adulte.any():
            continue
        u = rng.random(n)
        statut = (u[:, None] > np.cumsum(probas, axis=1)).sum(axis=1)
        statut = np.where(ages[:, k] >= 65, np.where(u < 0.05, 0, 3), np.minimum(statut, 3))
        np.add.at(activite, (np.nonzero(adulte)[0], statut[adulte]), 1)
    recent = rng.random(n) < 0.20
    ref = (DATE_REFERENCE - dt.date(1970, 1, 1)).days
    anciennete = np.where(
        recent,
        rng.integers(1, 730, n),
        np.minimum(rng.integers(731, 40 * 365, n), (age_tit - 18) * 365 + 731),
    )
    date_emmenagement = ref - anciennete
    return Parc(
        n,
        bailleur,
        iris,
        commune,
        qpv,
        programme,
        nbpiece,
        surfhab,
        construct,
        typeconst,
        finan,
        id_rpls,
        dans_ops,
        occupation,
        repondu,
        situation,
        nb_enfants,
        nb_occupants,
        ages,
        revenu,
        revenu_pct,
        apl,
        activite,
        date_emmenagement,
        recent,
    )
