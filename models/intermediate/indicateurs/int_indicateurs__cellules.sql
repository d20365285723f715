-- depends_on: {{ ref('indicateurs') }}
-- Numérateurs et dénominateurs de chaque indicateur du catalogue, additionnés sur les plus
-- petites cellules géographiques (bailleur × commune × côté QPV × QPV × IRIS × quartier ×
-- résidence) : chaque maille publiée en est une somme exacte.
{%- set indicateurs = catalogue_indicateurs(types=['effectif', 'part', 'taux', 'moyenne']) %}

with menages as (
    select * from {{ ref('int_menages__caracteristiques') }}
)

select
    row_number() over (
        order by
            millesime, bailleur, code_commune, cote_qpv, code_qpv, code_iris, code_quartier, code_residence
    ) as id_cellule,
    millesime,
    bailleur,
    code_epci,
    code_commune,
    cote_qpv,
    code_qpv,
    code_iris,
    code_quartier,
    code_residence,
    {%- for i in indicateurs %}
        sum({{ i['numerateur'] }}) as num__{{ i['indicateur'] }},
        {%- if i['denominateur'] %}
            sum({{ i['denominateur'] }}) as den__{{ i['indicateur'] }},
        {%- else %}
            cast(null as bigint) as den__{{ i['indicateur'] }},
        {%- endif %}
    {%- endfor %}
    count(*) as nb_logements_cellule
from menages
group by
    millesime,
    bailleur,
    code_epci,
    code_commune,
    cote_qpv,
    code_qpv,
    code_iris,
    code_quartier,
    code_residence
