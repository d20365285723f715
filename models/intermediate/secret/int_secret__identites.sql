-- depends_on: {{ ref('indicateurs') }}
-- Les identités entre variables que tout lecteur connaît par les définitions du catalogue
-- (partitions, sommes, parts d'un produit, parts et leur reste) : une ligne par terme.
{%- set identites = identites_secret() %}

{%- for nom, termes in identites.items() %}
    {%- for variable, coefficient in termes %}
        select
            '{{ nom }}' as identite,
            '{{ variable }}' as code_variable,
            {{ coefficient }} as coefficient
        {{ "union all" if not loop.last }}
    {%- endfor %}
    {{ "union all" if not loop.last }}
{%- endfor %}
