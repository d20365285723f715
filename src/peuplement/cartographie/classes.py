"""What a map shows of one indicator at one maille, shared by the static maps, the HTML map and
the GeoPackage: the published value of each zone or its mark, the classes (from published
values only) with their colours and French labels.

Only `Publication.cellules` with status `publie` give a number; `s` and `nd` give their mark
and nothing else is read from them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..exports.donnees import NON_COMMUNIQUE, Indicateur, Publication

ENSEMBLE = "ensemble"
# The key indicators mapped by default: one or two per theme of the study.
CARTES_CLES = (
    "part_revenu_moins_20",
    "part_revenu_moins_60",
    "part_apl",
    "part_personnes_seules",
    "part_monoparentales",
    "part_grandes_familles",
    "part_titulaires_65_plus",
    "part_mineurs",
    "part_menages_sans_emploi_stable",
    "part_emmenages_recents",
    "part_sur_occupation",
    "part_sous_occupation",
)
# a landlord's restitution: one map per theme (resources, composition, age, employment,
# movers, occupancy), by commune and QPV (at IRIS level, one landlord's zones are mostly under
# the 11-unit floor); its other figures are in its sheets
CARTES_RESTITUTION = (
    "part_revenu_moins_20",
    "part_monoparentales",
    "part_titulaires_65_plus",
    "part_menages_sans_emploi_stable",
    "part_emmenages_recents",
    "part_sur_occupation",
)
MAILLES_RESTITUTION = ("qpv", "commune")
MAILLES_CARTES = (  # maille -> title on the maps
    ("iris", "par IRIS"),
    ("qpv", "par quartier prioritaire (QPV)"),
    ("commune", "par commune"),
)
NB_CLASSES = 5
SEQUENTIELLE = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")  # ColorBrewer OrRd
DIVERGENTE_NEG = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0")  # ColorBrewer RdBu, below zero
DIVERGENTE_POS = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b")  # above zero
COULEUR_SECRET = "#bdbdbd"
COULEUR_ND = "#f0f0f0"
COULEUR_NC = "#fafafa"
COULEUR_SANS = "#ffffff"
LEGENDE_MARQUES = {
    "s": "s : secret statistique",
    "nd": "nd : non diffusé (taux de réponse insuffisant)",
    NON_COMMUNIQUE: "nc : non communiqué (variable non transmise par les bailleurs)",
    "absent": "pas de donnée (zone sans logement de l'étude)",
    "hors_plan": "non publié à cette maille (plan de publication de l'étude)",
}


MARQUES_CARTES = ("s", "nd", NON_COMMUNIQUE)  # a zone's mark, in the legends' order


def cartographiables(pub: Publication) -> list[Indicateur]:
    """Indicators a choropleth can show: rates, shares, means, gaps (never raw counts)."""
    return [i for i in pub.indicateurs if i.type != "effectif"]


def valeurs(
    pub: Publication, maille: str, indicateur: str, codes, bailleur: str = ENSEMBLE
) -> dict[str, float | str]:
    """code -> published value, or its mark (`s`, `nd`, `nc`), or `absent` (no row for the
    zone), or `hors_plan` for every zone when the publication plan leaves the indicator out at
    this maille. `bailleur`: a landlord's rows (of its restitution, `Publication.restitution`)."""
    if (maille, indicateur) not in pub.publies:
        return dict.fromkeys(codes, "hors_plan")
    resultat: dict[str, float | str] = {}
    for code in codes:
        cellule = pub.cellules.get((maille, code, bailleur, indicateur))
        if cellule is None:
            resultat[code] = "absent"
        elif cellule[0] == "publie" and cellule[3] is not None:
            resultat[code] = float(cellule[3])
        else:
            resultat[code] = cellule[0] if cellule[0] in MARQUES_CARTES else "s"
    return resultat


def facteur(indicateur: Indicateur) -> float:
    """Shares, rates and gaps are stored as fractions and shown in % or points."""
    return 100.0 if indicateur.type in ("part", "taux", "ecart") else 1.0


def texte_valeur(indicateur: Indicateur, valeur: float | str, decimales: int = 1) -> str:
    """French display: `12,3 %`, `+4,5 pts`, `2,41`; a mark as itself."""
    if isinstance(valeur, str):
        return "" if valeur in ("absent", "hors_plan") else valeur
    x = valeur * facteur(indicateur)
    if indicateur.type == "moyenne":
        texte = f"{x:.2f}"
    elif indicateur.type == "ecart":
        texte = f"{x:+.{decimales}f} pts"
    else:
        texte = f"{x:.{decimales}f} %"
    return texte.replace(".", ",").replace("-", "−")


@dataclass
class Classes:
    bornes: list[float]  # inner breaks, in the stored unit (fractions for shares)
    couleurs: list[str]  # len(bornes) + 1 colours
    libelles: list[str]  # French legend labels
    effectifs: list[int]  # zones in each class

    def couleur(self, valeur: float | str) -> str:
        if valeur == "s":
            return COULEUR_SECRET
        if valeur == "nd":
            return COULEUR_ND
        if valeur == NON_COMMUNIQUE:
            return COULEUR_NC
        if isinstance(valeur, str):
            return COULEUR_SANS
        return self.couleurs[self.classe(valeur)]

    def classe(self, valeur: float) -> int:
        return sum(1 for b in self.bornes if valeur >= b)


def _arrondi(x: float, pas: float) -> float:
    return round(round(x / pas) * pas, 10)


def classer(indicateur: Indicateur, publiees: list[float]) -> Classes:
    """Quantile classes on the published values, breaks rounded to a readable step (1 % for
    shares, 0.1 for means); fewer classes when there are few distinct values."""
    f = facteur(indicateur)
    pas = 0.1 if indicateur.type == "moyenne" else 1.0 / f
    tries = sorted(publiees)
    distinctes = sorted({_arrondi(v, pas) for v in tries})
    nombre = min(NB_CLASSES, len(distinctes), max(1, len(tries) // 2))
    bornes: list[float] = []
    for k in range(1, nombre):
        b = _arrondi(tries[math.floor(k * len(tries) / nombre)], pas)
        if b > (bornes[-1] if bornes else -math.inf) and b > _arrondi(tries[0], pas):
            bornes.append(b)
    couleurs = _couleurs(indicateur, bornes, tries)
    libelles = _libelles(indicateur, bornes, pas)
    classes = Classes(bornes, couleurs, libelles, [0] * (len(bornes) + 1))
    for v in publiees:
        classes.effectifs[classes.classe(v)] += 1
    return classes


def _couleurs(indicateur: Indicateur, bornes: list[float], tries: list[float]) -> list[str]:
    n = len(bornes) + 1
    if indicateur.type != "ecart" or not tries:
        indices = [round(k * (len(SEQUENTIELLE) - 1) / max(1, n - 1)) for k in range(n)]
        return [SEQUENTIELLE[i] for i in indices] if n > 1 else [SEQUENTIELLE[2]]
    # gaps: blue below zero, red above, the class that straddles zero neutral
    bas = [-math.inf, *bornes]
    haut = [*bornes, math.inf]
    negatives = sum(1 for h in haut if h <= 0)
    positives = sum(1 for b in bas if b >= 0)
    neutres = n - negatives - positives
    d = len(DIVERGENTE_NEG)
    return (
        [DIVERGENTE_NEG[max(0, d - negatives + i)] for i in range(negatives)]
        + ["#f7f7f7"] * neutres
        + [DIVERGENTE_POS[min(d - 1, i)] for i in range(positives)]
    )


def _libelles(indicateur: Indicateur, bornes: list[float], pas: float) -> list[str]:
    decimales = 1 if indicateur.type == "moyenne" else 0

    def t(x: float) -> str:
        return (
            texte_valeur(indicateur, x, decimales)
            if indicateur.type != "moyenne"
            else (f"{x:.1f}".replace(".", ","))
        )

    if not bornes:
        return ["toutes les zones publiées"]
    libelles = [f"moins de {t(bornes[0])}"]
    for bas, haut in zip(bornes, bornes[1:], strict=False):
        libelles.append(f"de {t(bas)} à moins de {t(haut)}")
    libelles.append(f"{t(bornes[-1])} ou plus")
    return libelles
