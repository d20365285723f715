-- Les zones de chaque maille, avec leur libellé et leurs zones parentes (commune, EPCI, côté
-- QPV). Une résidence ou un QPV à cheval sur plusieurs communes est rattaché à la commune où
-- se trouvent le plus de ses logements.
with cellules as (
    select * from {{ ref('int_indicateurs__cellules') }}
),

parametres as (
    select * from {{ ref('stg_etude__parametres') }}
),

communes as (
    select * from {{ ref('stg_geographie__communes') }}
),

iris as (
    select * from {{ ref('stg_geographie__iris') }}
),

qpv as (
    select * from {{ ref('stg_geographie__qpv') }}
),

quartiers as (
    select distinct
        code_quartier,
        libelle_quartier
    from {{ ref('stg_geographie__quartiers') }}
),

affectations as (
    {%- for maille, code_zone, filtre in mailles() %}
        select
            '{{ maille }}' as maille,
            {{ code_zone }} as code_zone,
            code_commune,
            cote_qpv,
            code_qpv,
            nb_logements_cellule
        from cellules
        where {{ filtre }}
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

comptes as (
    select
        maille,
        code_zone,
        code_commune,
        sum(nb_logements_cellule) as logements,
        count(distinct cote_qpv) as cotes_qpv,
        min(cote_qpv) as cote_qpv,
        count(distinct code_qpv) as nb_qpv,
        min(code_qpv) as code_qpv
    from affectations
    group by maille, code_zone, code_commune
),

principales as (
    select
        *,
        row_number() over (
            partition by maille, code_zone order by logements desc, code_commune asc
        ) as rang,
        sum(logements) over (partition by maille, code_zone) as logements_zone,
        count(*) over (partition by maille, code_zone) as nb_communes
    from comptes
)

select
    principales.maille,
    principales.code_zone,
    case principales.maille
        when 'epci' then parametres.libelle_epci
        when 'commune' then communes.libelle_commune
        when 'epci_qpv'
            then
                parametres.libelle_epci || case
                    when principales.code_zone like '%-hors_qpv' then ' – hors QPV (et logements non situés)'
                    else ' – en QPV'
                end
        when 'commune_qpv'
            then
                coalesce(communes.libelle_commune, principales.code_commune) || case
                    when principales.code_zone like '%-hors_qpv' then ' – hors QPV'
                    when principales.code_zone like '%-qpv' then ' – en QPV'
                    else ' – côté QPV inconnu'
                end
        when 'qpv' then qpv.libelle_qpv
        when 'iris' then iris.libelle_iris
        when 'quartier' then quartiers.libelle_quartier
        else 'Résidence ' || principales.code_zone
    end as libelle,
    case
        when principales.maille not in ('epci', 'epci_qpv') then principales.code_commune
    end as code_commune,
    parametres.code_epci,
    case
        when
            principales.maille in ('epci_qpv', 'commune_qpv', 'qpv', 'iris', 'residence')
            and principales.cotes_qpv = 1
            then principales.cote_qpv
    end as cote_qpv,
    case
        when principales.maille in ('qpv', 'residence') and principales.nb_qpv = 1
            then principales.code_qpv
    end as code_qpv,
    cast(principales.logements_zone as bigint) as nb_logements,
    cast(principales.nb_communes as integer) as nb_communes
from principales
cross join parametres
left join communes on principales.code_commune = communes.code_commune
left join iris on principales.code_zone = iris.code_iris and principales.maille = 'iris'
left join qpv on principales.code_zone = qpv.code_qpv and principales.maille = 'qpv'
left join quartiers
    on principales.code_zone = quartiers.code_quartier and principales.maille = 'quartier'
where principales.rang = 1
