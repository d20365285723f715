"""Maps of the published release: the contours of the study's zones read from `referentiels/`
(`fonds`, with DuckDB's spatial extension loaded from its local file, `spatial`), the classes
and words of a map (`classes`, `textes`), static choropleths in PNG and SVG (`statique`), the
offline interactive HTML map (`interactive`, Leaflet vendored in `vendor/leaflet/`), the
GeoPackage of the release (`paquet`, written by `geopackage`) and their place in the export
(`exports`).

Every value drawn comes from `peuplement.exports.donnees.Publication` (the marts after the
secrecy gate): a hidden cell gives its mark (`s`, `nd`), never a number.

API for another deliverable (report, workbook):

    from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
    fonds = charger_fonds(dossier_etude / "referentiels", zones_etude(pub))
    if fonds.absence:            # no contour file: say why, draw nothing
        print(fonds.absence)
    cartes = dessiner_cartes(pub, fonds, dossier)   # list of Carte(maille, indicateur, titre,
                                                    # chemin (PNG), chemins {"png", "svg"})

May import: `peuplement.erreurs`, `peuplement.exports.donnees` and `.classeur` (the release and
its mention), `peuplement.protection.registre`, `peuplement.parallele` (the maps drawn in a pool
of processes). Never the warehouse or the secrecy engine.
"""

from __future__ import annotations

from ..exports.donnees import Publication
from .fonds import Fonds, charger_fonds
from .statique import Carte, dessiner_cartes

__all__ = ["Carte", "Fonds", "charger_fonds", "dessiner_cartes", "zones_etude"]


def zones_etude(pub: Publication) -> dict[str, set[str]]:
    """maille -> codes of the study's zones, as `charger_fonds` checks them."""
    zones: dict[str, set[str]] = {}
    for maille, code in pub.zones:
        zones.setdefault(maille, set()).add(code)
    return zones
