-- depends_on: {{ ref('indicateurs') }}
-- Ce que coûte le secret, maille par maille : lignes d'indicateurs publiées, masquées (`s`) ou
-- non diffusées (`nd`), cellules de comptage primaires et secondaires, et la part des chiffres
-- non primaires qui sont publiés, pour l'ensemble et pour les lignes des bailleurs. Un chiffre
-- non primaire n'est touché par aucune règle primaire, n'est pas `nd` et n'est pas public
-- d'office (logements, occupation) : s'il est masqué, c'est seulement pour en protéger un autre
-- (masquage secondaire). L'analyste y voit ce que coûte chaque maille et peut regrouper ses
-- quartiers ou alléger le plan de publication en conséquence.
with statuts as (
    select * from {{ ref('int_secret__statuts') }}
),

catalogue as (
    {{ secret_catalogue_lignes() }}
),

-- chaque ligne d'indicateur avec les statuts de ses cellules : sans primaire (ni primaire ni
-- nd) et publique (toutes ses cellules publiques d'office)
lignes_simples as (
    select
        indicateurs.millesime,
        indicateurs.maille,
        indicateurs.code_zone,
        indicateurs.bailleur,
        indicateurs.indicateur,
        indicateurs.statut,
        numerateurs.statut not in ('primaire', 'masque_nd')
        and coalesce(denominateurs.statut not in ('primaire', 'masque_nd'), true) as sans_primaire,
        numerateurs.statut = 'force' and coalesce(denominateurs.statut = 'force', true) as publique
    from {{ ref('fct_indicateurs') }} as indicateurs
    inner join catalogue on indicateurs.indicateur = catalogue.indicateur
    inner join statuts as numerateurs
        on
            indicateurs.millesime = numerateurs.millesime
            and indicateurs.maille = numerateurs.maille
            and indicateurs.code_zone = numerateurs.code_zone
            and indicateurs.bailleur = numerateurs.bailleur
            and catalogue.variable_numerateur = numerateurs.code_variable
    left join statuts as denominateurs
        on
            indicateurs.millesime = denominateurs.millesime
            and indicateurs.maille = denominateurs.maille
            and indicateurs.code_zone = denominateurs.code_zone
            and indicateurs.bailleur = denominateurs.bailleur
            and catalogue.variable_denominateur = denominateurs.code_variable
),

-- un écart est sans primaire quand ses deux parts le sont
lignes_ecarts as (
    select
        indicateurs.millesime,
        indicateurs.maille,
        indicateurs.code_zone,
        indicateurs.bailleur,
        indicateurs.indicateur,
        indicateurs.statut,
        parts_a.sans_primaire and parts_b.sans_primaire as sans_primaire,
        parts_a.publique and parts_b.publique as publique
    from {{ ref('fct_indicateurs') }} as indicateurs
    inner join catalogue on indicateurs.indicateur = catalogue.indicateur
    inner join lignes_simples as parts_a
        on
            indicateurs.millesime = parts_a.millesime
            and indicateurs.maille = parts_a.maille
            and indicateurs.code_zone = parts_a.code_zone
            and indicateurs.bailleur = parts_a.bailleur
            and catalogue.indicateur_a = parts_a.indicateur
    inner join lignes_simples as parts_b
        on
            indicateurs.millesime = parts_b.millesime
            and indicateurs.maille = parts_b.maille
            and indicateurs.code_zone = parts_b.code_zone
            and indicateurs.bailleur = parts_b.bailleur
            and catalogue.indicateur_b = parts_b.indicateur
),

toutes_lignes as (
    select * from lignes_simples
    union all
    select * from lignes_ecarts
),

lignes as (
    select
        millesime,
        maille,
        count(*) as nb_lignes,
        count(*) filter (where statut = 'publie') as nb_publiees,
        count(*) filter (where statut = 's') as nb_secret,
        count(*) filter (where statut = 'nd') as nb_non_diffusees,
        count(*) filter (
            where bailleur = 'ensemble' and sans_primaire and not publique
        ) as nb_lignes_non_primaires_ensemble,
        count(*) filter (
            where bailleur = 'ensemble' and sans_primaire and not publique and statut = 'publie'
        ) as nb_lignes_non_primaires_publiees_ensemble,
        count(*) filter (
            where bailleur <> 'ensemble' and sans_primaire and not publique
        ) as nb_lignes_non_primaires_bailleurs,
        count(*) filter (
            where bailleur <> 'ensemble' and sans_primaire and not publique and statut = 'publie'
        ) as nb_lignes_non_primaires_publiees_bailleurs
    from toutes_lignes
    group by millesime, maille
),

cellules as (
    select
        millesime,
        maille,
        count(*) as nb_cellules,
        count(*) filter (where statut = 'primaire') as nb_primaires,
        count(*) filter (where statut = 'secondaire') as nb_secondaires,
        count(*) filter (
            where bailleur = 'ensemble' and statut in ('publie', 'secondaire')
        ) as nb_cellules_non_primaires_ensemble,
        count(*) filter (
            where bailleur = 'ensemble' and statut = 'publie'
        ) as nb_cellules_non_primaires_publiees_ensemble,
        count(*) filter (
            where bailleur <> 'ensemble' and statut in ('publie', 'secondaire')
        ) as nb_cellules_non_primaires_bailleurs,
        count(*) filter (
            where bailleur <> 'ensemble' and statut = 'publie'
        ) as nb_cellules_non_primaires_publiees_bailleurs
    from statuts
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
    cellules.nb_secondaires,
    lignes.nb_lignes_non_primaires_ensemble,
    lignes.nb_lignes_non_primaires_publiees_ensemble,
    cast(lignes.nb_lignes_non_primaires_publiees_ensemble as double)
    / nullif(lignes.nb_lignes_non_primaires_ensemble, 0) as part_non_primaires_publiees_ensemble,
    cellules.nb_cellules_non_primaires_ensemble,
    cellules.nb_cellules_non_primaires_publiees_ensemble,
    lignes.nb_lignes_non_primaires_bailleurs,
    lignes.nb_lignes_non_primaires_publiees_bailleurs,
    cast(lignes.nb_lignes_non_primaires_publiees_bailleurs as double)
    / nullif(lignes.nb_lignes_non_primaires_bailleurs, 0) as part_non_primaires_publiees_bailleurs,
    cellules.nb_cellules_non_primaires_bailleurs,
    cellules.nb_cellules_non_primaires_publiees_bailleurs
from lignes
inner join cellules
    on
        lignes.millesime = cellules.millesime
        and lignes.maille = cellules.maille
