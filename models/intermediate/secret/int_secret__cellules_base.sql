-- depends_on: {{ ref('indicateurs') }}
-- Les cellules élémentaires en format long : une ligne par (cellule, variable de comptage), avec
-- la borne publique de l'effectif (RPLS) : les logements de la cellule, ou ses logements occupés
-- pour un compte de ménages quand l'occupation est publique (`secret_occupation_publique`).
{%- set variables = variables_secret() %}
{%- set colonnes_occupes = [] %}
{%- for v in variables if v['variable'] == var('secret_variable_occupes') %}
    {%- do colonnes_occupes.append(v['colonne']) %}
{%- endfor %}
{%- set occupation_publique = var('secret_occupation_publique') | string | lower == 'true' %}

with cellules as (
    select * from {{ ref('int_indicateurs__cellules') }}
)

{%- for v in variables %}
    {%- set par_occupes = v['unite'] == 'menages' and occupation_publique and colonnes_occupes %}
    {%- set borne = colonnes_occupes[0] if par_occupes else 'nb_logements_cellule' %}
    select
        id_cellule,
        bailleur,
        '{{ v["variable"] }}' as code_variable,
        cast({{ v["colonne"] }} as bigint) as valeur,
        {{ borne }} as logements,
        {{ v["menages"] }} as bornee_par_logements
    from cellules
    {{ "union all" if not loop.last }}
{%- endfor %}
