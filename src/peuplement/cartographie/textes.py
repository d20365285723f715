"""The words on every map: title, mandatory mention, sources (data and contours)."""

from __future__ import annotations

from pathlib import PurePath

from ..exports.classeur import mention
from ..exports.donnees import Indicateur, Publication
from .classes import MAILLES_CARTES
from .fonds import Fonds

__all__ = ["mention", "sources", "titre_carte"]

NOMS_MAILLES = {"iris": "IRIS", "qpv": "QPV", "commune": "communes"}


def titre_carte(indicateur: Indicateur, maille: str, court: bool = False) -> str:
    par = dict(MAILLES_CARTES)[maille]
    return par[0].upper() + par[1:] if court else f"{indicateur.libelle} {par}"


def sources(pub: Publication, fonds: Fonds) -> str:
    """Data and contours, with the contour files' names and vintages."""
    fichiers = [
        f"{NOMS_MAILLES.get(s.maille, s.maille)} : {PurePath(s.fichier).name}"
        + (f" ({s.millesime})" if s.millesime else "")
        for s in fonds.sources
        if s.zones_retrouvees
    ]
    if "commune" in fonds.derivees:
        fichiers.append("communes : réunion des IRIS")
    return (
        f"Sources : enquêtes OPS {pub.millesime} des bailleurs sociaux, RPLS ; "
        f"contours — {' ; '.join(fichiers)}. Traitement : peuplement, secret statistique "
        f"appliqué (seuil de {pub.seuil} unités)."
    )
