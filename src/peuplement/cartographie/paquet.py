"""The GeoPackage of the release, for QGIS or Magrit users: one layer per maille with contours
(EPCI, communes, QPV, IRIS), one row per zone, and for each indicator its published value
(`<indicateur>`, in the mart's unit: a count, or a fraction for shares and rates) and its
status (`<indicateur>_statut`: publie, s, nd, or nc for a variable the landlords did not
supply). A hidden value is an empty field, never a
number. A table `indicateurs` (no geometry) gives each column's label, unit and definition."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..exports.donnees import Publication
from .classes import ENSEMBLE
from .fonds import Fonds
from .geopackage import Couche, definitions_srs, ecrire_geopackage
from .spatial import connecter

COUCHES = (  # maille -> layer description
    ("epci", "EPCI (réunion des communes)"),
    ("commune", "Communes"),
    ("qpv", "Quartiers prioritaires de la politique de la ville"),
    ("iris", "IRIS"),
)


def nom_geopackage(pub: Publication) -> str:
    return f"cartographie_{pub.code_epci}_{pub.millesime}.gpkg"


def _contour_epci(fonds: Fonds, code_epci: str):
    """The EPCI as the union of its communes (WKB and envelope), or None."""
    communes = fonds.contours.get("commune")
    if not communes:
        return None
    con = connecter()
    try:
        wkb, *enveloppe = con.execute(
            "with g as (select ST_Multi(ST_Union_Agg(ST_GeomFromWKB(w) order by c)) as geom "
            "from (select unnest(?) as w, unnest(?) as c)) select ST_AsWKB(geom), "
            "ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) from g",
            [[c.wkb for c in communes.values()], list(communes)],
        ).fetchone()
    finally:
        con.close()
    return bytes(wkb), tuple(enveloppe)


def ecrire_paquet(chemin: Path, pub: Publication, fonds: Fonds) -> None:
    """Write the release's GeoPackage at `chemin`."""
    indicateurs = pub.indicateurs
    champs: list[tuple[str, type]] = [("code_zone", str), ("libelle", str), ("code_commune", str)]
    for i in indicateurs:
        champs += [(i.code, int if i.type == "effectif" else float), (f"{i.code}_statut", str)]
    couches = []
    epci = _contour_epci(fonds, pub.code_epci)
    for maille, description in COUCHES:
        if maille == "epci":
            geometries = {pub.code_epci: epci} if epci else {}
        else:
            geometries = {
                c: (g.wkb, g.enveloppe) for c, g in fonds.contours.get(maille, {}).items()
            }
        if not geometries:
            continue
        couche = Couche(
            maille, f"{description} — {pub.libelle_epci}, {pub.millesime}", fonds.srid, champs
        )
        for code, (wkb, enveloppe) in sorted(geometries.items()):
            zone = pub.zones.get((maille, code))
            ligne: list = [code, zone.libelle if zone else None, zone.commune if zone else None]
            for i in indicateurs:
                cellule = pub.cellules.get((maille, code, ENSEMBLE, i.code))
                publiee = cellule is not None and cellule[0] == "publie"
                valeur = cellule[3] if publiee else None
                if valeur is not None and i.type == "effectif":
                    valeur = int(valeur)
                ligne += [valeur, cellule[0] if cellule else None]
            couche.entites.append((wkb, enveloppe, tuple(ligne)))
        couches.append(couche)
    con = connecter()
    try:
        definitions = definitions_srs(con, {fonds.srid})
    finally:
        con.close()
    horodatage = f"{pub.date_reference.isoformat()}T00:00:00.000Z"
    ecrire_geopackage(chemin, couches, definitions, horodatage)
    _ecrire_dictionnaire(chemin, pub, horodatage)


def _ecrire_dictionnaire(chemin: Path, pub: Publication, horodatage: str) -> None:
    """The `indicateurs` attributes table: what each column of the layers means."""
    con = sqlite3.connect(chemin)
    try:
        con.execute(
            "create table indicateurs (fid integer primary key autoincrement not null, "
            "colonne text, libelle text, famille text, type text, unite text, definition text)"
        )
        con.execute(
            "insert into gpkg_contents (table_name, data_type, identifier, description, "
            "last_change) values ('indicateurs', 'attributes', 'indicateurs', ?, ?)",
            [
                "Dictionnaire des colonnes : une part ou un taux est une fraction (0,25 = 25 %) ; "
                "la colonne <indicateur>_statut vaut publie, s (secret statistique) ou nd (non "
                "diffusé) ; une valeur masquée est vide.",
                horodatage,
            ],
        )
        con.executemany(
            "insert into indicateurs (colonne, libelle, famille, type, unite, definition) "
            "values (?, ?, ?, ?, ?, ?)",
            [
                (i.code, i.libelle, i.famille, i.type, i.unite, i.definition)
                for i in pub.indicateurs
            ],
        )
        con.commit()
    finally:
        con.close()
