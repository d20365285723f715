-- depends_on: {{ ref('indicateurs') }}
-- Tous les indicateurs du catalogue, valeurs vraies avant le secret, à toutes les mailles, pour
-- l'ensemble des bailleurs et chacun : une ligne par (millésime, maille, zone, bailleur, indicateur).
{%- set indicateurs = catalogue_indicateurs(types=['effectif', 'part', 'taux', 'moyenne']) %}
{%- set ecarts = catalogue_indicateurs(types=['ecart']) %}

with zones as (
    select * from {{ ref('int_indicateurs__zones') }}
),

catalogue as (
    select * from {{ ref('indicateurs') }}
),

longues as (
    {%- for i in indicateurs %}
        select
            millesime,
            maille,
            code_zone,
            bailleur,
            '{{ i["indicateur"] }}' as indicateur,
            num__{{ i['indicateur'] }} as numerateur,
            den__{{ i['indicateur'] }} as denominateur
        from zones
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

ratios as (
    select
        longues.millesime,
        longues.maille,
        longues.code_zone,
        longues.bailleur,
        longues.indicateur,
        cast(longues.numerateur as bigint) as numerateur,
        cast(longues.denominateur as bigint) as denominateur,
        case
            when catalogue.type = 'effectif' then cast(longues.numerateur as double)
            when longues.denominateur > 0
                then cast(longues.numerateur as double) / longues.denominateur
        end as valeur
    from longues
    inner join catalogue on longues.indicateur = catalogue.indicateur
),

ecarts as (
    {%- for e in ecarts %}
        select
            millesime,
            maille,
            code_zone,
            bailleur,
            '{{ e["indicateur"] }}' as indicateur,
            cast(null as bigint) as numerateur,
            cast(null as bigint) as denominateur,
            cast(num__{{ e["indicateur_a"] }} as double) / nullif(den__{{ e["indicateur_a"] }}, 0)
            - cast(num__{{ e["indicateur_b"] }} as double) / nullif(den__{{ e["indicateur_b"] }}, 0) as valeur
        from zones
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

toutes as (
    select * from ratios
    {%- if ecarts %}
        union all
        select * from ecarts
    {%- endif %}
)

select
    toutes.millesime,
    toutes.maille,
    toutes.code_zone,
    toutes.bailleur,
    toutes.indicateur,
    catalogue.famille,
    catalogue.type,
    catalogue.unite,
    catalogue.partition,
    toutes.numerateur,
    toutes.denominateur,
    toutes.valeur
from toutes
inner join catalogue on toutes.indicateur = catalogue.indicateur
