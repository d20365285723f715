-- depends_on: {{ ref('indicateurs') }}
-- Les restitutions aux bailleurs : pour chaque bailleur, ses propres indicateurs à toutes les
-- mailles, avec les seules règles primaires (macros/secret/regles_primaires.sql) : `s` quand
-- une cellule porte sur moins de 11 unités, quand une part est à 0 % ou à 100 % (complément
-- sous le seuil) ou quand la zone compte moins de 11 de ses logements ; `nd` pour un taux de
-- réponse insuffisant ou une variable qu'il n'a pas transmise, comme dans la publication de la
-- CIL. Pas de masquage secondaire : le seul lecteur d'une restitution est le bailleur, qui
-- connaît déjà chacun de ces chiffres par ses microdonnées. Ce modèle ne nourrit jamais le
-- secret de la publication de la CIL (rien de int_secret__* n'en dépend).

with zones as (
    select * from {{ ref('int_indicateurs__zones') }}
    where bailleur <> 'ensemble'
),

longues as (
    select * from {{ ref('int_indicateurs__long') }}
    where bailleur <> 'ensemble'
),

cellules as (
    {{ secret_cellules_zones('zones') }}
),

regles as (
    select
        cellules.*,
        {{ secret_variable_publique('cellules.code_variable') }} as publique,
        coalesce(not disponibilites.disponible, false) as non_disponible,
        cellules.variable_enquete
        and {{ secret_reponse_insuffisante('cellules.repondants_zone', 'cellules.occupes_zone') }}
            as reponse_insuffisante,
        {{ secret_zone_trop_petite('cellules.logements_zone') }}
        or {{ secret_effectif_faible('cellules.valeur') }}
        or coalesce(
            {{ secret_complement_faible('cellules.valeur + cellules.complement', 'cellules.valeur') }},
            false
        ) as primaire
    from cellules
    left join {{ ref('int_secret__disponibilites') }} as disponibilites
        on
            cellules.bailleur = disponibilites.bailleur
            and cellules.code_variable = disponibilites.code_variable
),

statuts as (
    select
        millesime,
        maille,
        code_zone,
        bailleur,
        code_variable,
        case
            when publique then 'publie'
            when non_disponible or reponse_insuffisante then 'nd'
            when primaire then 's'
            else 'publie'
        end as marque,
        case
            when publique then null
            when non_disponible then 'non_disponible'
            when reponse_insuffisante then 'reponse_insuffisante'
        end as motif_nd
    from regles
),

{{ secret_lignes_publiees('longues', 'statuts') }}
