-- Chaque ligne acceptée d'un fichier de bailleur est comptée une fois dans les marts :
-- logements de l'EPCI (par bailleur) + lignes non retenues (identifiant RPLS déjà déclaré)
-- = lignes chargées du bailleur. Une ligne par bailleur en écart.
with acceptees as (
    select
        bailleur,
        count(*) as lignes
    from {{ source('bailleurs', 'ops_lignes') }}
    group by bailleur
),

non_retenues as (
    select
        bailleur,
        count(*) as lignes
    from {{ ref('int_logements__consolides') }}
    where not est_retenu
    group by bailleur
),

marts as (
    select
        bailleur,
        numerateur as logements
    from {{ ref('fct_indicateurs') }}
    where maille = 'epci' and indicateur = 'nb_logements' and bailleur <> 'ensemble'
)

select
    acceptees.bailleur,
    acceptees.lignes as lignes_acceptees,
    coalesce(marts.logements, 0) as logements_marts,
    coalesce(non_retenues.lignes, 0) as lignes_non_retenues,
    'Bailleur ' || acceptees.bailleur || ' : ' || acceptees.lignes || ' lignes acceptées, '
    || coalesce(marts.logements, 0) || ' logements dans les marts et '
    || coalesce(non_retenues.lignes, 0) || ' lignes non retenues' as explication
from acceptees
left join marts on acceptees.bailleur = marts.bailleur
left join non_retenues on acceptees.bailleur = non_retenues.bailleur
where acceptees.lignes <> coalesce(marts.logements, 0) + coalesce(non_retenues.lignes, 0)
