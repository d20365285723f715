{#- Revérifie chaque règle primaire du secret sur les lignes publiées du modèle, à partir des
    valeurs vraies (int_indicateurs__long) : une ligne par règle enfreinte, avec l'explication.
    Indépendant du masquage : il relit les indicateurs ligne à ligne. -#}
{% test regles_secret_respectees(model) %}

with publiees as (
    select * from {{ model }}
    where statut = 'publie'
),

vraies as (
    select * from {{ ref('int_indicateurs__long') }}
),

catalogue as (
    select
        indicateur,
        famille,
        {{ secret_variable_publique("replace(numerateur, ' ', '')") }}
        and (denominateur is null or {{ secret_variable_publique("replace(denominateur, ' ', '')") }})
            as publique
    from {{ ref('indicateurs') }}
),

zones as (
    select
        millesime,
        maille,
        code_zone,
        bailleur,
        max(case when indicateur = 'nb_logements' then numerateur end) as logements,
        max(case when indicateur = 'taux_reponse' then numerateur end) as repondants,
        max(case when indicateur = 'taux_reponse' then denominateur end) as occupes
    from vraies
    group by millesime, maille, code_zone, bailleur
),

bailleurs as (
    select
        millesime,
        maille,
        code_zone,
        indicateur,
        count(*) filter (where numerateur > 0) as presents,
        coalesce(sum(numerateur) filter (where numerateur > 0), 0)
        - coalesce(max(numerateur) filter (where numerateur > 0), 0) as autres_effectif
    from vraies
    where bailleur <> 'ensemble'
    group by millesime, maille, code_zone, indicateur
),

controles as (
    select
        publiees.maille,
        publiees.code_zone,
        publiees.bailleur,
        publiees.indicateur,
        case
            when catalogue.publique then null
            when
                catalogue.famille <> 'couverture'
                and {{ secret_reponse_insuffisante('zones.repondants', 'zones.occupes') }}
                then 'taux de réponse insuffisant (la ligne devait être nd)'
            when {{ secret_zone_trop_petite('zones.logements') }}
                then 'zone de moins de ' || {{ var('secret_seuil') }} || ' logements'
            when vraies.type <> 'ecart' and {{ secret_effectif_faible('vraies.numerateur') }}
                then 'effectif inférieur au seuil'
            when vraies.denominateur is not null and {{ secret_effectif_faible('vraies.denominateur') }}
                then 'population inférieure au seuil'
            when
                vraies.type in ('part', 'taux')
                and {{ secret_complement_faible('vraies.denominateur', 'vraies.numerateur') }}
                then 'part proche de 100 % (complément sous le seuil)'
            when
                publiees.bailleur = 'ensemble'
                and coalesce({{ secret_bailleur_dominant('bailleurs.presents', 'bailleurs.autres_effectif') }}, false)
                then 'bailleur dominant'
        end as regle
    from publiees
    inner join vraies
        on
            publiees.millesime = vraies.millesime
            and publiees.maille = vraies.maille
            and publiees.code_zone = vraies.code_zone
            and publiees.bailleur = vraies.bailleur
            and publiees.indicateur = vraies.indicateur
    inner join catalogue on publiees.indicateur = catalogue.indicateur
    inner join zones
        on
            publiees.millesime = zones.millesime
            and publiees.maille = zones.maille
            and publiees.code_zone = zones.code_zone
            and publiees.bailleur = zones.bailleur
    left join bailleurs
        on
            publiees.millesime = bailleurs.millesime
            and publiees.maille = bailleurs.maille
            and publiees.code_zone = bailleurs.code_zone
            and publiees.indicateur = bailleurs.indicateur
)

select
    maille,
    code_zone,
    bailleur,
    indicateur,
    'Zone ' || maille || ' ' || code_zone || ', bailleur ' || bailleur || ', ' || indicateur
    || ' : publiée alors que ' || regle as explication
from controles
where regle is not null
{% endtest %}
