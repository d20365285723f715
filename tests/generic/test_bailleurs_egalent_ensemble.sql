{#- Pour chaque zone et chaque indicateur additif, la somme des bailleurs est égale à
    « ensemble ». Une ligne par écart. -#}
{% test bailleurs_egalent_ensemble(model) %}
with bailleurs as (
    select
        maille,
        code_zone,
        indicateur,
        sum(numerateur) as numerateur,
        sum(denominateur) as denominateur
    from {{ model }}
    where bailleur <> 'ensemble' and type <> 'ecart'
    group by maille, code_zone, indicateur
),

ensemble as (
    select
        maille,
        code_zone,
        indicateur,
        numerateur,
        denominateur
    from {{ model }}
    where bailleur = 'ensemble' and type <> 'ecart'
)

select
    coalesce(ensemble.maille, bailleurs.maille) as maille,
    coalesce(ensemble.code_zone, bailleurs.code_zone) as code_zone,
    coalesce(ensemble.indicateur, bailleurs.indicateur) as indicateur,
    'Zone ' || coalesce(ensemble.code_zone, bailleurs.code_zone) || ', '
    || coalesce(ensemble.indicateur, bailleurs.indicateur) || ' : ensemble = '
    || coalesce(cast(ensemble.numerateur as varchar), 'absent') || ' / '
    || coalesce(cast(ensemble.denominateur as varchar), '-') || ' mais somme des bailleurs = '
    || coalesce(cast(bailleurs.numerateur as varchar), 'absent') || ' / '
    || coalesce(cast(bailleurs.denominateur as varchar), '-') as explication
from ensemble
full outer join bailleurs
    on
        ensemble.maille = bailleurs.maille
        and ensemble.code_zone = bailleurs.code_zone
        and ensemble.indicateur = bailleurs.indicateur
where
    ensemble.numerateur is distinct from bailleurs.numerateur
    or ensemble.denominateur is distinct from bailleurs.denominateur
{% endtest %}
