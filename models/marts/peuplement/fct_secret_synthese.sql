-- Ce que coûte le secret, maille par maille : lignes d'indicateurs publiées, masquées (`s`) ou
-- non diffusées (`nd`), et cellules de comptage primaires et secondaires. L'analyste y voit
-- quelles mailles perdent le plus et peut regrouper ses quartiers en conséquence.
with lignes as (
    select
        millesime,
        maille,
        count(*) as nb_lignes,
        count(*) filter (where statut = 'publie') as nb_publiees,
        count(*) filter (where statut = 's') as nb_secret,
        count(*) filter (where statut = 'nd') as nb_non_diffusees
    from {{ ref('fct_indicateurs') }}
    group by millesime, maille
),

cellules as (
    select
        millesime,
        maille,
        count(*) as nb_cellules,
        count(*) filter (where statut = 'primaire') as nb_primaires,
        count(*) filter (where statut = 'secondaire') as nb_secondaires
    from {{ ref('int_secret__statuts') }}
    group by millesime, maille
)

select
    lignes.millesime,
    lignes.maille,
    lignes.nb_lignes,
    lignes.nb_publiees,
    lignes.nb_secret,
    lignes.nb_non_diffusees,
    cast(lignes.nb_publiees as double) / lignes.nb_lignes as part_publiee,
    cellules.nb_cellules,
    cellules.nb_primaires,
    cellules.nb_secondaires
from lignes
inner join cellules
    on
        lignes.millesime = cellules.millesime
        and lignes.maille = cellules.maille
