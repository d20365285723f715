"""The CIL report in PDF: key figures of the EPCI, the EPCI in and out of QPV, one page per theme
(map when the study has contours, short tables), the communes compared, the methodology in plain
French, the secrecy summary and the analyst's commentary.

Python computes every printed string from the release (published figures or their marks, nothing
else) into `donnees.json`; the typst template `rapport.typ` only lays them out. typst (PyPI)
compiles offline with its own embedded fonts (system fonts ignored: same PDF on any machine)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import typst

from .classeur import ENSEMBLE, MARQUES, date_longue, mention
from .commentaires import SECTIONS
from .donnees import NON_COMMUNIQUE, Indicateur, Publication
from .nombres import entier, pourcentage, valeur_texte
from .themes import THEMES, Theme, definition_lecteur, indicateurs_du_theme

COTES_QPV = (("qpv", "En QPV"), ("hors_qpv", "Hors QPV*"))
NOTE_QPV = (
    "* Hors QPV : y compris les quelques logements que le répertoire RPLS ne permet pas de situer."
)
CHIFFRES_CLES = (  # the first page: what a CIL member wants to know first
    "nb_logements",
    "nb_menages_repondants",
    "taux_reponse",
    "part_vacants",
    "part_revenu_moins_20",
    "part_apl",
    "part_monoparentales",
    "part_personnes_seules",
    "part_titulaires_65_plus",
    "part_menages_sans_emploi_stable",
    "part_emmenages_recents",
    "part_sur_occupation",
)
PREFERENCE_CARTES = ("iris", "qpv", "commune", "quartier")
NOMS_MAILLES = {
    "epci": "EPCI",
    "epci_qpv": "EPCI dans et hors QPV",
    "commune": "Communes",
    "commune_qpv": "Communes dans et hors QPV",
    "qpv": "QPV",
    "iris": "IRIS",
    "quartier": "Quartiers",
    "residence": "Résidences",
}


def _valeur(pub: Publication, maille: str, zone: str, indicateur: Indicateur) -> str:
    return valeur_texte(indicateur, pub.cellules.get((maille, zone, ENSEMBLE, indicateur.code)))


def _zones(pub: Publication, maille: str) -> list[str]:
    codes = pub.codes_zones(maille, ENSEMBLE)
    return sorted(codes, key=lambda c: (pub.zones[(maille, c)].libelle or c, c))


def _colonnes_qpv(pub: Publication) -> list[tuple[str, str, str]]:
    """(maille, zone, heading): the EPCI, then its QPV and out-of-QPV parts when published."""
    colonnes = [("epci", pub.code_epci, "Ensemble de l'EPCI")]
    for cote, titre in COTES_QPV:
        zone = f"{pub.code_epci}-{cote}"
        if ("epci_qpv", zone) in pub.zones:
            colonnes.append(("epci_qpv", zone, titre))
    return colonnes


def _tableau_qpv(pub: Publication, indicateurs: list[Indicateur]) -> dict:
    colonnes = _colonnes_qpv(pub)
    return {
        "colonnes": ["Indicateur"] + [t for _, _, t in colonnes],
        "lignes": [
            {"libelle": i.libelle, "valeurs": [_valeur(pub, m, z, i) for m, z, _ in colonnes]}
            for i in indicateurs
        ],
    }


def _tableau_communes(pub: Publication, indicateurs: list[Indicateur]) -> dict:
    lignes = [
        {
            "libelle": pub.libelle_epci,
            "reference": True,
            "valeurs": [_valeur(pub, "epci", pub.code_epci, i) for i in indicateurs],
        }
    ]
    for code in _zones(pub, "commune"):
        lignes.append(
            {
                "libelle": pub.zones[("commune", code)].libelle or code,
                "reference": False,
                "valeurs": [_valeur(pub, "commune", code, i) for i in indicateurs],
            }
        )
    return {"colonnes": ["Commune"] + [i.libelle for i in indicateurs], "lignes": lignes}


def _carte(theme: Theme, cartes: Sequence):
    """The theme's map: its most telling key indicator that has one, at the finest maille."""
    for code in theme.cles:
        for maille in PREFERENCE_CARTES:
            for carte in cartes:
                if carte.indicateur == code and carte.maille == maille:
                    return carte
    return None


def _secret(pub: Publication) -> list[dict]:
    """Per maille, for all landlords together: zones, figures published, `s`, `nd`."""
    lignes = []
    for maille, nom in NOMS_MAILLES.items():
        statuts = pub.statuts(maille, ENSEMBLE)
        if not statuts:
            continue
        publies = statuts.count("publie")
        lignes.append(
            {
                "maille": nom,
                "zones": entier(len(_zones(pub, maille))),
                "chiffres": entier(len(statuts)),
                "publies": entier(publies),
                "s": entier(statuts.count("s")),
                "nd": entier(statuts.count("nd") + statuts.count(NON_COMMUNIQUE)),
                "part": pourcentage(publies / len(statuts), 0),
            }
        )
    return lignes


def donnees_rapport(pub: Publication, commentaires: dict[str, list[str]], cartes: Sequence) -> dict:
    """Everything the report prints, as display strings."""
    par_code = {i.code: i for i in pub.indicateurs}
    cles = [par_code[c] for c in CHIFFRES_CLES if c in par_code]
    themes = []
    for theme in THEMES:
        indicateurs = indicateurs_du_theme(pub, theme)
        if not indicateurs:
            continue
        carte = _carte(theme, cartes)
        themes.append(
            {
                "code": theme.code,
                "titre": theme.titre,
                "introduction": theme.introduction,
                "carte": None if carte is None else f"cartes/{carte.chemin.name}",
                "titre_carte": None if carte is None else carte.titre,
                "tableau": _tableau_qpv(pub, indicateurs),
                "communes": _tableau_communes(
                    pub, [par_code[c] for c in theme.cles if c in par_code]
                ),
                "commentaire": commentaires.get(theme.code, []),
            }
        )
    comparaison = [par_code[t.cles[0]] for t in THEMES if t.cles[0] in par_code]
    return {
        "titre": "Étude de peuplement du parc social",
        "epci": pub.libelle_epci,
        "code_epci": pub.code_epci,
        "millesime": str(pub.millesime),
        "mention": mention(pub),
        "date_reference": date_longue(pub.date_reference),
        "date_production": date_longue(dt.date.today()),
        "bailleurs": list(pub.bailleurs.values()),
        "chiffres_cles": [
            {"libelle": i.libelle, "valeur": _valeur(pub, "epci", pub.code_epci, i)} for i in cles
        ],
        "qpv": _tableau_qpv(
            pub,
            [par_code[t.cles[0]] for t in THEMES if t.cles[0] in par_code]
            + [par_code[c] for c in ("nb_logements", "nb_menages_repondants") if c in par_code],
        ),
        "note_qpv": NOTE_QPV,
        "themes": themes,
        "avec_cartes": any(t["carte"] for t in themes),
        "comparaison": _tableau_communes(pub, comparaison),
        "definitions": [
            {"libelle": i.libelle, "definition": definition_lecteur(i)} for i in pub.indicateurs
        ],
        "seuil": str(pub.seuil),
        "taux_reponse_minimal": pourcentage(pub.taux_reponse_minimal, 0),
        "marques": [{"marque": k, "sens": v} for k, v in MARQUES.items()],
        "secret": _secret(pub),
        "audit": entier(pub.cibles_auditees),
        "commentaires": {k: v for k, v in commentaires.items() if k in SECTIONS},
    }


def ecrire_rapport(
    chemin: Path,
    pub: Publication,
    commentaires: dict[str, list[str]],
    cartes: Sequence = (),
) -> None:
    """Compile the report to `chemin` (PDF). `cartes`: the maps of peuplement.cartographie
    (objects with maille, indicateur, titre and chemin to a PNG); none, and the report says
    it has no map."""
    donnees = donnees_rapport(pub, commentaires, list(cartes))
    with tempfile.TemporaryDirectory(prefix="rapport-") as dossier:
        racine = Path(dossier)
        (racine / "cartes").mkdir()
        for carte in cartes:
            shutil.copy(carte.chemin, racine / "cartes" / carte.chemin.name)
        modele = resources.files("peuplement.exports").joinpath("rapport.typ").read_text("utf-8")
        (racine / "rapport.typ").write_text(modele, encoding="utf-8")
        (racine / "donnees.json").write_text(
            json.dumps(donnees, ensure_ascii=False), encoding="utf-8"
        )
        pdf = typst.compile(str(racine / "rapport.typ"), root=str(racine), ignore_system_fonts=True)
    chemin.write_bytes(pdf)
