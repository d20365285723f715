"""Five kinds of landlord files, each with its own format, headers, spellings and mess.

A profile turns the canonical values of its dwellings into the rows of its file and says what
it planted (defects, title/blank/total rows) so that tests can check the loader against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .population import Parc

EPOCH = dt.date(1970, 1, 1)


@dataclass
class Profil:
    code: str
    libelle: str
    format: str  # xlsx | ods | csv_utf8 | csv_latin1
    taux_reponse: float
    part: float


PROFILS = (
    Profil("ARTOIS", "Artois Logis (bailleur synthétique)", "xlsx", 0.86, 0.40),
    Profil("BASSIN", "Maisons du Bassin (bailleur synthétique)", "ods", 0.80, 0.25),
    Profil("COTEAUX", "Coteaux Habitat (bailleur synthétique)", "csv_utf8", 0.78, 0.15),
    Profil("GOHELLE", "Logis de la Gohelle (bailleur synthétique)", "csv_latin1", 0.55, 0.12),
    Profil(
        "SOLIDAIRE", "Habitat Solidaire 62 (bailleur synthétique)", "xlsx_2feuilles", 0.83, 0.08
    ),
)


@dataclass
class Rendu:
    """What a profile writes: sheets of rows, the mapping file, and what it planted."""

    feuilles: dict[str, list[list]]
    correspondances: dict | None = None
    plantes: list[dict] = field(default_factory=list)  # {ligne, code} expected anomalies
    lignes_donnees: int = 0


def _map(tableau: list, index: np.ndarray, masque: np.ndarray | None = None) -> list:
    arr = np.array(tableau, dtype=object)[index]
    if masque is not None:
        arr = np.where(masque, arr, None)
    return arr.tolist()


def _entiers(valeurs: np.ndarray, masque: np.ndarray) -> list:
    return np.where(masque, valeurs.astype(object), None).tolist()


def canoniques(parc: Parc, idx: np.ndarray, geo_communes: list[str]) -> dict[str, list]:
    """Columns of canonical values (Python objects) for the dwellings idx."""
    rep = parc.repondu[idx]
    occ = parc.occupation[idx]
    ages = parc.ages[idx]
    sit = np.maximum(parc.situation[idx], 0)
    n_bandes = [
        ((ages >= a) & (ages < b)).sum(axis=1) for a, b in ((0, 18), (18, 25), (25, 65), (65, 200))
    ]
    dates = (parc.date_emmenagement[idx]).tolist()
    return {
        "rpls": parc.id_rpls[idx].tolist(),
        "programme": parc.programme[idx].tolist(),
        "commune": [geo_communes[c] for c in parc.commune[idx]],
        "occupation": occ,
        "occupe": occ != 1,
        "repondu": rep,
        "situation": sit,
        "nb_occupants": _entiers(parc.nb_occupants[idx], rep),
        "nb_enfants": _entiers(parc.nb_enfants[idx], rep),
        "age_titulaire": _entiers(ages[:, 0], rep),
        "ages": ages,
        "bandes": [_entiers(b, rep) for b in n_bandes],
        "revenu": parc.revenu[idx],
        "revenu_pct": np.where(rep, parc.revenu_pct[idx].astype(object), None).tolist(),
        "apl": parc.apl[idx],
        "activite": [_entiers(parc.activite[idx, k], rep) for k in range(4)],
        "recent": parc.recent[idx],
        "date": [
            EPOCH + dt.timedelta(days=int(d)) if r else None
            for d, r in zip(dates, rep, strict=True)
        ],
    }


def _oui_non(valeurs: np.ndarray, masque: np.ndarray, oui, non) -> list:
    return np.where(masque, np.where(valeurs, oui, non), None).tolist()


def _rendre_artois(c: dict, ids: list[str], rng) -> Rendu:
    entete = [
        "N° logement",
        "Identifiant RPLS",
        "Programme",
        "Commune",
        "Occupation",
        "Répondu à l'enquête",
        "Situation familiale",
        "Nombre total d'occupants",
        "Nombre d'enfants",
        "Âge du titulaire",
        "Nb moins de 18 ans",
        "Nb 18-24 ans",
        "Nb 25-64 ans",
        "Nb 65 ans et plus",
        "Position plafonds HLM",
        "Emploi stable",
        "Emploi précaire",
        "Chômeurs",
        "Sans emploi",
        "APL",
        "Emménagé récent",
    ]
    rep, occupe = c["repondu"], c["occupe"]
    colonnes = [
        ids,
        c["rpls"],
        [f"ART-{p:05d}" for p in c["programme"]],
        c["commune"],
        _map(["Loué", "Vacant", "Loué à une association"], c["occupation"]),
        _oui_non(rep, occupe, "Oui", "Non"),
        _map(
            [
                "Personne seule",
                "Famille monoparentale",
                "Couple sans enfant",
                "Couple avec enfant(s)",
                "Autre",
            ],
            c["situation"],
            rep,
        ),
        c["nb_occupants"],
        c["nb_enfants"],
        c["age_titulaire"],
        *c["bandes"],
        _map(
            ["< 20 %", "20 à 40 %", "40 à 60 %", "60 à 100 %", "> 100 %", "Inconnu"],
            c["revenu"],
            rep,
        ),
        *c["activite"],
        _oui_non(c["apl"], rep, "Oui", "Non"),
        _oui_non(c["recent"], rep, "Oui", "Non"),
    ]
    lignes = [list(r) for r in zip(*colonnes, strict=True)]
    for r in lignes[::7]:  # numbers stored as text
        r[7] = None if r[7] is None else str(r[7])
    plantes = []
    titre = [
        ["Enquête OPS 2022 – Artois Logis (données synthétiques)"],
        ["Extraction du 15/03/2022 – situation au 1er janvier 2022"],
        [],
        entete,
    ]
    corps: list[list] = []
    for i, r in enumerate(lignes):
        if i and i % 997 == 0:
            corps.append([])  # blank rows in the middle
        corps.append(r)
    # planted: a duplicate dwelling, and 14 children in a studio (the RPLS says 1 room)
    doublon = list(corps[5])
    corps.insert(len(corps) // 2, doublon)
    plantes.append({"code": "DOUBLON", "id": doublon[0]})
    studio = next(r for r in corps if r and r[5] == "Oui")
    studio[6], studio[7], studio[8] = "Couple avec enfant(s)", 16, 14
    plantes.append({"id": studio[0], "code": "DENSITE_IMPROBABLE", "studio_rpls": studio[1]})
    total = ["TOTAL", None, None, None, None, None, None, sum(int(r[7] or 0) for r in corps if r)]
    rows = titre + corps + [[], total]
    for p in plantes:
        p["ligne"] = _ligne_de(rows, p["id"], dernier=p["code"] == "DOUBLON")
    return Rendu({"OPS 2022": rows}, None, plantes, len(lignes) + 1)  # + the duplicate


def _ligne_de(rows: list[list], identifiant: str, dernier: bool = False) -> int:
    trouvees = [i + 1 for i, r in enumerate(rows) if r and r[0] == identifiant]
    return trouvees[-1] if dernier else trouvees[0]


def _rendre_bassin(c: dict, ids: list[str], rng) -> Rendu:
    nb_ages = 8
    entete = [
        "Numéro logement",
        "N° RPLS",
        "Code programme",
        "Code INSEE",
        "Statut occupation",
        "Réponse",
        "Type de ménage",
        "Nb occupants",
        "Nb enfants",
    ]
    entete += [f"Age occ {k}" for k in range(1, nb_ages + 1)]
    entete += [
        "Tranche revenu",
        "Nb emploi stable",
        "Nb emploi précaire",
        "Nb chômeurs",
        "Nb sans emploi",
        "Bénéficiaire APL",
        "Date d'entrée",
    ]
    rep = c["repondu"]
    ages = c["ages"][:, :nb_ages]
    colonnes_ages = [
        np.where((ages[:, k] >= 0) & rep, ages[:, k].astype(object), None).tolist()
        for k in range(nb_ages)
    ]
    colonnes = [
        ids,
        c["rpls"],
        [f"B{p:06d}" for p in c["programme"]],
        c["commune"],
        _map([1, 2, 4], c["occupation"]),
        _oui_non(rep, c["occupe"], "O", "N"),
        _map([1, 2, 3, 4, 5], c["situation"], rep),
        c["nb_occupants"],
        c["nb_enfants"],
        *colonnes_ages,
        _map(["0-20%", "20-40%", "40-60%", "60-100%", ">100%", "NR"], c["revenu"], rep),
        *c["activite"],
        _oui_non(c["apl"], rep, "O", "N"),
        c["date"],
    ]
    lignes = [list(r) for r in zip(*colonnes, strict=True)]
    inconnu = next(r for r in lignes if r[5] == "O")
    inconnu[6] = "Célibataire"
    rows = [entete] + lignes
    plantes = [{"id": inconnu[0], "code": "CODE_INCONNU", "ligne": _ligne_de(rows, inconnu[0])}]
    return Rendu({"Feuille1": rows}, None, plantes, len(lignes))


def _rendre_coteaux(c: dict, ids: list[str], rng) -> Rendu:
    entete = [
        "NUM_LOGT",
        "ID_RPLS",
        "CODE_PROGRAMME",
        "DEPCOM",
        "OCCUPATION",
        "REPONSE_OPS",
        "TYPO_MENAGE",
        "NOMBRE_OCCUPANTS",
        "NOMBRE_ENFANTS",
        "AGE_TIT",
        "TRANCHE_REVENU",
        "NB_CDI",
        "NB_PRECAIRE",
        "NB_CHOMAGE",
        "NB_INACTIF",
        "APL",
        "EMMENAGE_RECENT",
    ]
    rep = c["repondu"]
    colonnes = [
        ids,
        c["rpls"],
        [f"CH{p:05d}" for p in c["programme"]],
        c["commune"],
        _map(["L", "V", "LT"], c["occupation"]),
        _oui_non(rep, c["occupe"], "X", None),
        _map(["PS", "MONO", "CSE", "CAE", "AUT"], c["situation"], rep),
        c["nb_occupants"],
        c["nb_enfants"],
        c["age_titulaire"],
        _map(["inf 20", "20-40", "40-60", "60-100", "sup 100", "NC"], c["revenu"], rep),
        *c["activite"],
        _oui_non(c["apl"], rep, "X", None),
        _oui_non(c["recent"], rep, "X", None),
    ]
    lignes = [list(r) for r in zip(*colonnes, strict=True)]
    plantes = []
    for r in lignes[3:6]:
        r[1] = None
    rows = [entete] + lignes
    for r in lignes[3:6]:
        plantes.append({"id": r[0], "code": "RPLS_MANQUANT", "ligne": _ligne_de(rows, r[0])})
    config = {
        "libelle": "Coteaux Habitat (bailleur synthétique)",
        "colonnes": {
            "TYPO_MENAGE": "situation_familiale",
            "NB_CDI": "nb_emploi_stable",
            "NB_PRECAIRE": "nb_emploi_precaire",
            "NB_CHOMAGE": "nb_chomeurs",
            "NB_INACTIF": "nb_sans_emploi",
        },
        "valeurs": {
            "situation_familiale": {"AUT": "autre"},
            "repondu": {"": "non"},
            "apl": {"": "non"},
            "emmenage_recent": {"": "non"},
        },
    }
    return Rendu({"": rows}, config, plantes, len(lignes))


def _rendre_gohelle(c: dict, ids: list[str], rng) -> Rendu:
    entete = [
        "Numéro logement",
        "N° RPLS",
        "Résidence",
        "Commune",
        "Statut d'occupation",
        "Réponse enquête",
        "Composition du ménage",
        "Nb occupants",
        "Nb enfants",
        "Âge titulaire",
        "% plafond",
        "Nb emploi stable",
        "Nb emploi précaire",
        "Nb chômeurs",
        "Nb sans emploi",
        "Aide au logement",
        "Emménagement récent",
        "Loyer principal",
    ]
    rep = c["repondu"]
    loyers = np.round(280 + rng.random(len(ids)) * 300, 2).tolist()
    colonnes = [
        ids,
        c["rpls"],
        [f"Résidence {p}" for p in c["programme"]],
        c["commune"],
        _map(["Loué", "Vacant", "Loué à un tiers"], c["occupation"]),
        _oui_non(rep, c["occupe"], "Oui", "Non"),
        _map(
            ["Isolé", "Monoparental", "Couple sans enfants", "Couple avec enfants", "Autres"],
            c["situation"],
            rep,
        ),
        c["nb_occupants"],
        c["nb_enfants"],
        c["age_titulaire"],
        c["revenu_pct"],
        *c["activite"],
        _oui_non(c["apl"], rep, "Oui", "Non"),
        _oui_non(c["recent"], rep, "Oui", "Non"),
        loyers,
    ]
    lignes = [list(r) for r in zip(*colonnes, strict=True)]
    plantes = []
    for k, r in enumerate(lignes[10:12]):
        r[1] = f"6299999999{k:02d}"
    cible = next(r for r in lignes[20:] if r[5] == "Oui")
    cible[8] = "deux"
    rows = [entete] + lignes
    for r in lignes[10:12]:
        plantes.append({"id": r[0], "code": "ABSENT_RPLS", "ligne": _ligne_de(rows, r[0])})
    plantes.append({"id": cible[0], "code": "NOMBRE_INVALIDE", "ligne": _ligne_de(rows, cible[0])})
    return Rendu(
        {"": rows}, {"libelle": "Logis de la Gohelle (bailleur synthétique)"}, plantes, len(lignes)
    )


def _rendre_solidaire(c: dict, ids: list[str], rng) -> Rendu:
    entete = [
        "Identifiant logement",
        "Identifiant RPLS",
        "Groupe",
        "Code commune",
        "Occupation",
        "Répondant",
        "Situation familiale",
        "Nombre d'occupants",
        "Nombre d'enfants",
        "Âge du titulaire du bail",
        "Niveau de ressources",
        "Emploi stable",
        "Emploi précaire",
        "Chômeurs",
        "Inactifs",
        "Bénéficiaire APL",
        "Date emménagement",
    ]
    rep = c["repondu"]
    serials = [None if d is None else (d - dt.date(1899, 12, 30)).days for d in c["date"]]
    colonnes = [
        ids,
        c["rpls"],
        [f"G{p}" for p in c["programme"]],
        c["commune"],
        _map(["Loué", "Vacant", "Association"], c["occupation"]),
        np.where(c["occupe"], rep, None).tolist(),
        _map(
            [
                "Isolé",
                "Famille monoparentale",
                "Couple sans enfant",
                "Couple avec enfants",
                "Autre",
            ],
            c["situation"],
            rep,
        ),
        c["nb_occupants"],
        c["nb_enfants"],
        c["age_titulaire"],
        _map(["0-20", "20-40", "40-60", "60-100", "100% et plus", "?"], c["revenu"], rep),
        *c["activite"],
        np.where(rep, c["apl"], None).tolist(),
        serials,
    ]
    lignes = [list(r) for r in zip(*colonnes, strict=True)]
    for r in lignes:  # booleans as real VRAI/FAUX cells
        r[5] = None if r[5] is None else bool(r[5])
        r[15] = None if r[15] is None else bool(r[15])
    cible = next(r for r in lignes[5:] if r[5])
    cible[16] = "inconnue"
    rows = [entete] + lignes
    notice = [
        ["Notice"],
        ["Fichier synthétique généré par peuplement : aucune donnée réelle."],
        ["Une ligne par logement, situation au 1er janvier 2022."],
    ]
    plantes = [{"id": cible[0], "code": "DATE_INVALIDE", "ligne": _ligne_de(rows, cible[0])}]
    return Rendu({"Notice": notice, "Données OPS": rows}, None, plantes, len(lignes))


RENDUS = {
    "ARTOIS": _rendre_artois,
    "BASSIN": _rendre_bassin,
    "COTEAUX": _rendre_coteaux,
    "GOHELLE": _rendre_gohelle,
    "SOLIDAIRE": _rendre_solidaire,
}
FORMATS_ID = {
    "ARTOIS": "ART-{:07d}",
    "BASSIN": "{:07d}",
    "COTEAUX": "CH/{:07d}",
    "GOHELLE": "G{:07d}",
    "SOLIDAIRE": "HS-{:07d}",
}
