"""The themes a reader looks for (resources, household composition, age, employment, recent
movers, occupancy of the stock): which catalogue families each gathers, its key indicators (the
commune comparison, the maps) and a one-line French introduction. Shared by the workbook and the
report, so both speak of the same things in the same order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .donnees import Indicateur, Publication


@dataclass(frozen=True)
class Theme:
    code: str  # also the heading of its commentary in commentaires.md
    titre: str
    feuille: str  # worksheet name (31 characters at most)
    familles: tuple[str, ...]
    cles: tuple[str, ...]  # key indicators, most telling first
    introduction: str


THEMES = (
    Theme(
        "ressources",
        "Ressources des ménages",
        "Ressources",
        ("revenus", "aides"),
        ("part_revenu_moins_20", "part_revenu_moins_60", "part_apl"),
        "Ressources des ménages rapportées aux plafonds de ressources du logement social (PLUS), "
        "et part des ménages aidés au logement (APL ou AL).",
    ),
    Theme(
        "composition",
        "Composition des ménages",
        "Composition",
        ("composition",),
        ("part_monoparentales", "part_personnes_seules", "part_grandes_familles"),
        "Situation familiale des ménages, familles nombreuses, taille moyenne des ménages et "
        "part des mineurs parmi les occupants.",
    ),
    Theme(
        "age",
        "Âge des titulaires du bail",
        "Âge",
        ("age",),
        ("part_titulaires_65_plus", "part_titulaires_moins_30"),
        "Âge du titulaire du bail, par grandes tranches et en détail.",
    ),
    Theme(
        "emploi",
        "Emploi",
        "Emploi",
        ("activite",),
        ("part_menages_sans_emploi_stable", "part_majeurs_chomeurs"),
        "Ménages dont aucun adulte n'occupe un emploi stable, et majeurs au chômage.",
    ),
    Theme(
        "emmenages",
        "Emménagés récents",
        "Emménagés récents",
        ("dynamique",),
        ("part_emmenages_recents", "part_revenu_moins_20_recents", "part_apl_recents"),
        "Les ménages entrés dans leur logement depuis moins de deux ans, comparés à l'ensemble "
        "des ménages : ce que les attributions récentes changent à l'occupation.",
    ),
    Theme(
        "occupation",
        "Occupation du parc",
        "Occupation du parc",
        ("couverture", "densite"),
        ("part_vacants", "part_sur_occupation", "part_sous_occupation"),
        "Le parc couvert par l'étude, sa vacance, la réponse des ménages à l'enquête et "
        "l'adéquation entre la taille des logements et celle des ménages.",
    ),
)

# composition is about who lives in the dwelling: the share of minors among occupants goes there
RATTACHEMENTS = {"part_mineurs": "composition"}


def theme_de(indicateur: Indicateur) -> Theme | None:
    code = RATTACHEMENTS.get(indicateur.code)
    for theme in THEMES:
        if theme.code == code or (code is None and indicateur.famille in theme.familles):
            return theme
    return None


def indicateurs_du_theme(pub: Publication, theme: Theme) -> list[Indicateur]:
    """The theme's indicators, in catalogue order."""
    return [i for i in pub.indicateurs if theme_de(i) == theme]


def sans_theme(pub: Publication) -> list[Indicateur]:
    """Catalogue indicators of a family no theme gathers (an added family): shown apart."""
    return [i for i in pub.indicateurs if theme_de(i) is None]


NOTE_ANALYSTE = re.compile(r"\s*\([^()]*\bseed\b[^()]*\)")


def definition_lecteur(indicateur: Indicateur) -> str:
    """The catalogue's definition without its notes for the analyst (a parenthesis naming a
    seed, where a threshold is set): a CIL member reads the definition, not the warehouse."""
    return NOTE_ANALYSTE.sub("", indicateur.definition or "").strip()
