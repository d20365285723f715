-- depends_on: {{ ref('indicateurs') }}
-- Les cellules élémentaires en format long : une ligne par (cellule, variable de comptage), avec
-- les logements de la cellule (publics dans le RPLS : une borne pour l'attaquant).
{%- set variables = variables_secret() %}

with cellules as (
    select * from {{ ref('int_indicateurs__cellules') }}
)

{%- for v in variables %}
    select
        id_cellule,
        bailleur,
        '{{ v["variable"] }}' as code_variable,
        cast({{ v["colonne"] }} as bigint) as valeur,
        nb_logements_cellule as logements,
        {{ v["menages"] }} as bornee_par_logements
    from cellules
    {{ "union all" if not loop.last }}
{%- endfor %}
