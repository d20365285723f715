"""Figures as a French reader reads them: `12,3 %`, `19 731`, `2,23`, `+0,7 pt`, or the mark
(`s`, `nd`) of a figure that is not published. One place, for the report and the workbook."""

from __future__ import annotations

from .donnees import Indicateur

ESPACE_FINE = "\u202f"  # narrow no-break space: thousands, before % and units


def entier(n: int | float) -> str:
    return f"{int(round(n)):,}".replace(",", ESPACE_FINE)


def pourcentage(p: float, decimales: int = 1) -> str:
    """A proportion (0.123) as `12,3 %`."""
    return f"{p * 100:.{decimales}f}".replace(".", ",") + ESPACE_FINE + "%"


def decimal(x: float, decimales: int = 2) -> str:
    return f"{x:.{decimales}f}".replace(".", ",")


def points(ecart: float) -> str:
    """A difference of two proportions (0.007) as `+0,7 pt`."""
    texte = f"{ecart * 100:+.1f}".replace(".", ",")
    if texte in ("+0,0", "-0,0"):
        texte = "0,0"
    return texte + ESPACE_FINE + "pt"


def valeur_texte(indicateur: Indicateur, cellule) -> str:
    """What a reader sees for one indicator of one zone: the figure, or its mark; an empty
    string when the zone has no such row."""
    if cellule is None:
        return ""
    statut, numerateur, _, valeur = cellule
    if statut != "publie":
        return statut
    if indicateur.type == "effectif":
        return entier(numerateur)
    if valeur is None:
        return ""
    if indicateur.type in ("part", "taux"):
        return pourcentage(valeur)
    if indicateur.type == "ecart":
        return points(valeur)
    return decimal(valeur)
