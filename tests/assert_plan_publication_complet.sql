-- Chaque indicateur du catalogue a sa ligne dans le plan de publication, et un écart n'est
-- publié à une maille que si ses deux parts le sont aussi (sinon il n'aurait pas de sens). Une
-- ligne par défaut, qui dit lequel.
with catalogue as (
    select * from {{ ref('indicateurs') }}
),

plan as (
    select * from {{ ref('plan_publication') }}
),

absents as (
    select
        catalogue.indicateur,
        cast(null as varchar) as maille,
        'absent de seeds/plan_publication.csv' as defaut
    from catalogue
    left join plan on catalogue.indicateur = plan.indicateur
    where plan.indicateur is null
)

select * from absents
{%- for maille, _, _ in mailles() %}
    union all
    select
        catalogue.indicateur,
        '{{ maille }}' as maille,
        'écart publié sans l''une de ses deux parts' as defaut
    from catalogue
    inner join plan as ecart on catalogue.indicateur = ecart.indicateur
    inner join plan as part_a on catalogue.indicateur_a = part_a.indicateur
    inner join plan as part_b on catalogue.indicateur_b = part_b.indicateur
    where
        catalogue.type = 'ecart'
        and ecart.{{ maille }} = 'oui'
        and (part_a.{{ maille }} <> 'oui' or part_b.{{ maille }} <> 'oui')
{%- endfor %}
