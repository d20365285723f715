"""Geography checked at load: a landlord's commune must be a commune of the référentiels.

Known communes are those of `raw.geo_communes` and of the RPLS (`depcom`, `libcom`). A commune
written by its name (`DOUAI`) or without its leading zero (`1004`) is read as its code when
exactly one commune matches (a warning says so); an unknown one is emptied (warning). A dwelling
that neither joins the RPLS nor has a known commune cannot be placed: it is quarantined.
With no référentiel loaded at all nothing can be checked, and nothing is.

Works on the batch (`_lot`) of `depot` and appends to its `_anomalies`. May import:
`controles`, `tables`.
"""

from __future__ import annotations

import duckdb
import pyarrow.compute as pc

from .controles import AVERTISSEMENT, REJET, VIDEE, Contexte, q
from .tables import Lot


def _nom(expr: str) -> str:
    """A commune name compared without case, accents, punctuation nor 'Saint'/'St'."""
    return (
        f"regexp_replace(regexp_replace(lower(strip_accents(trim({expr}))), '[^a-z0-9]+', ' ', "
        f"'g'), '\\bst\\b', 'saint', 'g')"
    )


def controler_communes(con: duckdb.DuckDBPyConnection, ctx: Contexte, batch: Lot) -> bool:
    """Record the communes' anomalies; `_geo` keeps each unknown commune's code (null when
    none) for `resoudre_communes`. False when no référentiel can tell."""
    communes = con.execute("select count(*) from raw.geo_communes").fetchone()[0]
    rpls = con.execute("select count(*) from raw.rpls_logements").fetchone()[0]
    if not communes and not rpls:
        return False
    batch.communes = batch.table(
        con,
        "select code, any_value(nom) as nom from ("
        "select trim(code_commune) as code, libelle_commune as nom from raw.geo_communes "
        "union all select trim(depcom), libcom from raw.rpls_logements) "
        "where code is not null and code <> '' group by code",
    )
    colonne = q(ctx.libelles.get("commune", "commune"))
    prefixe = f"'ligne ' || l.ligne || ', colonne « ' || {colonne} || ' » : « ' || l.commune"
    batch.geo = batch.table(
        con,
        f"""with noms as (
            select {_nom("nom")} as cle, min(code) as code, count(*) as homonymes
            from _communes where nom is not null group by 1
        )
        select l.ligne, l.commune,
            coalesce(
                case when lpad(trim(l.commune), 5, '0') in (select code from _communes)
                    then lpad(trim(l.commune), 5, '0') end,
                case when n.homonymes = 1 then n.code end
            ) as code,
            n.homonymes
        from _lot l left join noms n on n.cle = {_nom("l.commune")}
        where l.commune is not null and trim(l.commune) not in (select code from _communes)
        order by l.ligne""",
    )
    avertissements = batch.table(
        con,
        f"""select l.ligne, {q(AVERTISSEMENT)}, 'COMMUNE_PAR_NOM', 'commune', {colonne}, l.commune,
            {prefixe} || ' » lue comme la commune ' || l.code || coalesce(' (' || c.nom || ')', '')
        from _geo l left join _communes c on c.code = l.code where l.code is not null
        union all
        select l.ligne, {q(AVERTISSEMENT)}, 'COMMUNE_INCONNUE', 'commune', {colonne}, l.commune,
            {prefixe} || case when l.homonymes > 1
                then ' » désigne ' || l.homonymes || ' communes des référentiels : donnez son code INSEE'
                else ' » n’est ni un code ni un nom de commune des référentiels chargés' end
            || {q(VIDEE)}
        from _geo l where l.code is null""",
    )
    hors_rpls = (
        "not exists (select 1 from raw.rpls_logements r where r.id_rpls = l.id_rpls)"
        if rpls
        else "true"
    )
    rejets = batch.table(
        con,
        f"""select l.ligne, {q(REJET)}, 'LOGEMENT_NON_SITUE', 'commune', {colonne},
            coalesce(g.commune, l.id_rpls),
            'ligne ' || l.ligne || ' : logement impossible à situer, '
            || case when l.id_rpls is null then 'sans identifiant RPLS'
                else 'identifiant RPLS « ' || l.id_rpls || ' » absent du RPLS chargé' end
            || case when g.commune is null then ' et sans commune'
                else ' et commune « ' || g.commune || ' » inconnue' end
            || ' (attendu : un identifiant RPLS du référentiel ou un code INSEE de commune)'
        from _lot l left join _geo g on g.ligne = l.ligne
        where (l.commune is null or (g.ligne is not null and g.code is null)) and {hors_rpls}""",
    )
    batch.ajouter_anomalies(avertissements)
    batch.ajouter_anomalies(rejets)
    batch.communes = None
    return True


def resoudre_communes(batch: Lot) -> None:
    """Write the resolved codes into the batch (after quarantine kept the rows as sent): every
    commune of `_geo` takes its code, null when none was found."""
    assert batch.geo is not None
    rang = pc.index_in(batch.lignes["ligne"], value_set=batch.geo["ligne"].combine_chunks())
    codes = pc.take(batch.geo["code"], rang)
    batch.remplacer("commune", pc.if_else(pc.is_null(rang), batch.lignes["commune"], codes))
    batch.geo = None
