-- depends_on: {{ ref('indicateurs') }}
-- depends_on: {{ ref('plan_publication') }}
-- Les cellules publiables : une ligne par (maille, zone, bailleur, variable de comptage), avec
-- les règles primaires du secret (macros/secret/regles_primaires.sql) et le statut initial :
-- `force` (public : logements et occupation du RPLS), `masque_nd` (variable non fournie par les
-- bailleurs de la ligne, ou taux de réponse insuffisant sans autre règle), `primaire`
-- (sensible, y compris une ligne à taux de réponse insuffisant que touche une autre règle : elle
-- sera `nd` dans la publication, mais l'audit vérifie que personne ne la retrouve) ou `publie`.
-- Le masquage secondaire (int_secret__masquage) part de là. Les lignes
-- d'un bailleur ne sont publiées qu'aux mailles de `secret_mailles_bailleurs` (les autres ne
-- font pas partie de la publication : elles coûteraient trop de chiffres de l'ensemble), et
-- seules les variables des indicateurs du plan de publication de la maille (seed
-- `plan_publication`) en font partie.
{%- set mailles_publiees = mailles_des_variables() if execute else {} %}

with zones as (
    select * from {{ ref('int_indicateurs__zones') }}
),

bailleurs_zones as (
    select distinct
        appartenances.maille,
        appartenances.code_zone,
        cellules.bailleur
    from {{ ref('int_secret__appartenances') }} as appartenances
    inner join {{ ref('int_indicateurs__cellules') }} as cellules
        on appartenances.id_cellule = cellules.id_cellule
),

disponibilites_zones as (
    select
        bailleurs_zones.maille,
        bailleurs_zones.code_zone,
        bailleurs_zones.bailleur,
        disponibilites.code_variable,
        disponibilites.disponible
    from bailleurs_zones
    inner join {{ ref('int_secret__disponibilites') }} as disponibilites
        on bailleurs_zones.bailleur = disponibilites.bailleur
),

-- une ligne non disponible : aucun bailleur de la ligne ne fournit la variable
non_disponibles as (
    select
        maille,
        code_zone,
        'ensemble' as bailleur,
        code_variable
    from disponibilites_zones
    group by maille, code_zone, code_variable
    having bool_and(not disponible)
    union all
    select
        maille,
        code_zone,
        bailleur,
        code_variable
    from disponibilites_zones
    where not disponible
),

longues as (
    {{ secret_cellules_zones('zones', mailles_publiees) }}
),

bailleurs_classes as (
    select
        millesime,
        maille,
        code_zone,
        code_variable,
        valeur,
        row_number() over (
            partition by millesime, maille, code_zone, code_variable order by valeur desc, bailleur asc
        ) as rang
    from longues
    where bailleur <> 'ensemble' and valeur > 0
),

dominance as (
    select
        millesime,
        maille,
        code_zone,
        code_variable,
        count(*) as nb_bailleurs_presents,
        max(case when rang = 1 then valeur end) as premier_effectif,
        sum(valeur) - max(case when rang = 1 then valeur end) as autres_effectif
    from bailleurs_classes
    group by millesime, maille, code_zone, code_variable
),

regles as (
    select
        longues.*,
        {{ secret_variable_publique('longues.code_variable') }} as publique,
        non_disponibles.code_variable is not null as non_disponible,
        longues.variable_enquete
        and {{ secret_reponse_insuffisante('longues.repondants_zone', 'longues.occupes_zone') }}
            as reponse_insuffisante,
        {{ secret_zone_trop_petite('longues.logements_zone') }} as zone_trop_petite,
        {{ secret_effectif_faible('longues.valeur') }} as effectif_faible,
        coalesce(
            {{ secret_complement_faible('longues.valeur + longues.complement', 'longues.valeur') }}, false
        )
            as complement_faible,
        longues.bailleur = 'ensemble'
        and coalesce(
            {{ secret_bailleur_dominant('dominance.nb_bailleurs_presents', 'dominance.autres_effectif') }},
            false
        ) as bailleur_dominant,
        dominance.premier_effectif
    from longues
    left join dominance
        on
            longues.millesime = dominance.millesime
            and longues.maille = dominance.maille
            and longues.code_zone = dominance.code_zone
            and longues.code_variable = dominance.code_variable
    left join non_disponibles
        on
            longues.maille = non_disponibles.maille
            and longues.code_zone = non_disponibles.code_zone
            and longues.bailleur = non_disponibles.bailleur
            and longues.code_variable = non_disponibles.code_variable
)

select
    millesime,
    maille,
    code_zone,
    bailleur,
    code_variable,
    valeur,
    case
        when publique then 'force'
        when non_disponible then 'masque_nd'
        -- une ligne `nd` pour réponse insuffisante reste une cible du secret quand une règle
        -- primaire la touche : sa valeur ne doit pas se déduire des chiffres publiés
        when zone_trop_petite or effectif_faible or complement_faible or bailleur_dominant
            then 'primaire'
        when reponse_insuffisante then 'masque_nd'
        else 'publie'
    end as statut_initial,
    case
        when publique then 'publique'
        when non_disponible then 'non_disponible'
        when reponse_insuffisante then 'reponse_insuffisante'
        when zone_trop_petite then 'zone_trop_petite'
        when effectif_faible then 'effectif_faible'
        when complement_faible then 'complement_faible'
        when bailleur_dominant then 'bailleur_dominant'
    end as motif_primaire,
    case
        when bailleur_dominant and not publique and not non_disponible
            then premier_effectif + {{ var('secret_seuil') }}
    end as exigence_haute
from regles
where {{ secret_ligne_publiee('maille', 'bailleur') }}
