-- depends_on: {{ ref('indicateurs') }}
-- Numérateurs et dénominateurs de chaque indicateur pour chaque zone de chaque maille, pour
-- chaque bailleur et pour l'ensemble (« ensemble ») : une ligne par (maille, zone, bailleur),
-- une paire de colonnes par indicateur. Chaque zone est la somme exacte de ses cellules.
{%- set indicateurs = catalogue_indicateurs(types=['effectif', 'part', 'taux', 'moyenne']) %}
{%- set mailles = mailles() %}

with cellules as (
    select * from {{ ref('int_indicateurs__cellules') }}
)

{%- for maille, code_zone, filtre in mailles %}
    select
        millesime,
        '{{ maille }}' as maille,
        {{ code_zone }} as code_zone,
        coalesce(bailleur, 'ensemble') as bailleur,
    {%- for i in indicateurs %}
        sum(num__{{ i['indicateur'] }}) as num__{{ i['indicateur'] }},
        sum(den__{{ i['indicateur'] }}) as den__{{ i['indicateur'] }}{{ "," if not loop.last }}
    {%- endfor %}
    from cellules
    where {{ filtre }}
    group by grouping sets ((millesime, {{ code_zone }}, bailleur), (millesime, {{ code_zone }}))
    {{ "union all" if not loop.last }}
{%- endfor %}
