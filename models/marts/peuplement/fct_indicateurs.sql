-- depends_on: {{ ref('int_secret__audit') }}
-- depends_on: {{ ref('plan_publication') }}
-- depends_on: {{ ref('indicateurs') }}
-- Les indicateurs publiables, après le secret statistique : une ligne par (millésime, maille,
-- zone, bailleur, indicateur), pour les indicateurs que le plan de publication (seed
-- `plan_publication`) publie à cette maille. `statut` : `publie`, `s` (secret : cellule
-- masquée, primaire ou secondaire) ou `nd` (non publiable : taux de réponse insuffisant ou
-- variable non fournie, voir `motif_nd`) ; les valeurs d'une ligne non publiée sont vides.
-- Une ligne est publiée quand son numérateur et son dénominateur le sont ; un écart, quand ses
-- deux parts le sont (macro secret_lignes_publiees). Ce modèle dépend de l'audit : si un test
-- du secret échoue, il n'est pas construit et aucun export ne part.

with longues as (
    select * from {{ ref('int_indicateurs__long') }}
    where {{ indicateur_dans_le_plan('maille', 'indicateur') }}
),

statuts as (
    select
        millesime,
        maille,
        code_zone,
        bailleur,
        code_variable,
        -- une cellule à taux de réponse insuffisant que touche une autre règle primaire est
        -- `primaire` pour l'audit (personne ne doit la retrouver) et `nd` dans la publication
        case
            when statut in ('publie', 'force') then 'publie'
            when statut = 'masque_nd' or motif = 'reponse_insuffisante' then 'nd'
            else 's'
        end as marque,
        case when statut = 'masque_nd' or motif = 'reponse_insuffisante' then motif end as motif_nd
    from {{ ref('int_secret__statuts') }}
),

{{ secret_lignes_publiees('longues', 'statuts') }}
