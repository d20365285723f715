-- depends_on: {{ ref('int_secret__audit') }}
-- depends_on: {{ ref('plan_publication') }}
-- depends_on: {{ ref('indicateurs') }}
-- Les indicateurs publiables, après le secret statistique : une ligne par (millésime, maille,
-- zone, bailleur, indicateur), pour les indicateurs que le plan de publication (seed
-- `plan_publication`) publie à cette maille. `statut` : `publie`, `s` (secret : cellule
-- masquée, primaire ou secondaire) ou `nd` (non publiable : taux de réponse insuffisant ou
-- variable non fournie, voir `motif_nd`) ; les valeurs d'une ligne non publiée sont vides.
-- Une ligne est publiée quand son numérateur et son dénominateur le sont ; un écart, quand ses
-- deux parts le sont. Ce modèle dépend de l'audit : si un test du secret échoue, il
-- n'est pas construit et aucun export ne part.

with longues as (
    select * from {{ ref('int_indicateurs__long') }}
    where {{ indicateur_dans_le_plan('maille', 'indicateur') }}
),

catalogue as (
    select
        indicateur,
        indicateur_a,
        indicateur_b,
        replace(numerateur, ' ', '') as variable_numerateur,
        replace(denominateur, ' ', '') as variable_denominateur
    from {{ ref('indicateurs') }}
),

statuts as (
    select
        millesime,
        maille,
        code_zone,
        bailleur,
        code_variable,
        case
            when statut in ('publie', 'force') then 'publie'
            when statut = 'masque_nd' then 'nd'
            else 's'
        end as marque,
        case when statut = 'masque_nd' then motif end as motif_nd
    from {{ ref('int_secret__statuts') }}
),

marques as (
    select
        longues.millesime,
        longues.maille,
        longues.code_zone,
        longues.bailleur,
        longues.indicateur,
        {{ secret_marque_combinee(
            'numerateurs.marque', "coalesce(denominateurs.marque, 'publie')"
        ) }} as statut,
        {{ secret_motif_nd_combine('numerateurs.motif_nd', 'denominateurs.motif_nd') }} as motif_nd
    from longues
    inner join catalogue on longues.indicateur = catalogue.indicateur
    inner join statuts as numerateurs
        on
            longues.millesime = numerateurs.millesime
            and longues.maille = numerateurs.maille
            and longues.code_zone = numerateurs.code_zone
            and longues.bailleur = numerateurs.bailleur
            and catalogue.variable_numerateur = numerateurs.code_variable
    left join statuts as denominateurs
        on
            longues.millesime = denominateurs.millesime
            and longues.maille = denominateurs.maille
            and longues.code_zone = denominateurs.code_zone
            and longues.bailleur = denominateurs.bailleur
            and catalogue.variable_denominateur = denominateurs.code_variable
),

marques_ecarts as (
    select
        longues.millesime,
        longues.maille,
        longues.code_zone,
        longues.bailleur,
        longues.indicateur,
        {{ secret_marque_combinee('parts_a.statut', 'parts_b.statut') }} as statut,
        {{ secret_motif_nd_combine('parts_a.motif_nd', 'parts_b.motif_nd') }} as motif_nd
    from longues
    inner join catalogue on longues.indicateur = catalogue.indicateur
    inner join marques as parts_a
        on
            longues.millesime = parts_a.millesime
            and longues.maille = parts_a.maille
            and longues.code_zone = parts_a.code_zone
            and longues.bailleur = parts_a.bailleur
            and catalogue.indicateur_a = parts_a.indicateur
    inner join marques as parts_b
        on
            longues.millesime = parts_b.millesime
            and longues.maille = parts_b.maille
            and longues.code_zone = parts_b.code_zone
            and longues.bailleur = parts_b.bailleur
            and catalogue.indicateur_b = parts_b.indicateur
),

toutes_marques as (
    select * from marques
    union all
    select * from marques_ecarts
)

select
    longues.millesime,
    longues.maille,
    longues.code_zone,
    longues.bailleur,
    longues.indicateur,
    longues.famille,
    longues.type,
    longues.unite,
    longues.partition,
    toutes_marques.statut,
    toutes_marques.motif_nd,
    case when toutes_marques.statut = 'publie' then longues.numerateur end as numerateur,
    case when toutes_marques.statut = 'publie' then longues.denominateur end as denominateur,
    case when toutes_marques.statut = 'publie' then longues.valeur end as valeur
from longues
inner join toutes_marques
    on
        longues.millesime = toutes_marques.millesime
        and longues.maille = toutes_marques.maille
        and longues.code_zone = toutes_marques.code_zone
        and longues.bailleur = toutes_marques.bailleur
        and longues.indicateur = toutes_marques.indicateur
