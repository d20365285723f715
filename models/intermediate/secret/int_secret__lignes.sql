-- depends_on: {{ ref('indicateurs') }}
-- depends_on: {{ ref('plan_publication') }}
-- Ce que coûte à la CIL le masquage d'une cellule : le nombre de lignes d'indicateurs du plan
-- de publication qui lisent chaque variable de comptage à chaque maille (numérateur ou
-- dénominateur). Un dénominateur masqué emporte toutes les lignes qui le lisent : le masquage
-- secondaire (int_secret__masquage) préfère cacher un numérateur.
{%- set comptes = [] %}
{%- if execute %}
    {%- for variable, par_maille in lignes_des_variables().items() %}
        {%- for maille, nombre in par_maille.items() %}
            {%- do comptes.append((maille, variable, nombre)) %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}

{%- for maille, variable, nombre in comptes | sort %}
    select
        '{{ maille }}' as maille,
        '{{ variable }}' as code_variable,
        {{ nombre }} as nb_lignes
    {{ "union all" if not loop.last }}
{%- else %}
    select
        cast(null as varchar) as maille,
        cast(null as varchar) as code_variable,
        cast(null as integer) as nb_lignes
    where false
{%- endfor %}
