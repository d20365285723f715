{#- Les cellules d'une table de zones (int_indicateurs__zones : une ligne par maille, zone et
    bailleur, une paire de colonnes par indicateur) en format long : une ligne par variable de
    comptage, avec ce que les règles primaires lisent (effectif, complément à sa population la
    plus petite, logements, répondants et logements occupés de la ligne). Partagé par la
    publication de la CIL (int_secret__cellules) et les restitutions (fct_restitutions).
    `mailles_par_variable` (variable -> mailles, celles du plan de publication) : ne garder que
    ces mailles pour chaque variable ; aucun filtre s'il est omis. -#}
{% macro secret_cellules_zones(zones, mailles_par_variable=none) -%}
    {%- set variables = variables_secret() %}
    {%- set colonnes = {} %}
    {%- for v in variables %}{% do colonnes.update({v['variable']: v['colonne']}) %}{% endfor %}
    {%- for v in variables %}
        select
            millesime,
            maille,
            code_zone,
            bailleur,
            '{{ v["variable"] }}' as code_variable,
            cast({{ v["colonne"] }} as bigint) as valeur,
            {{ v["enquete"] }} as variable_enquete,
            {%- if v["populations"] %}
                least(
                    {%- for p in v["populations"] %}
                        {{ colonnes[p] }} - {{ v["colonne"] }}{{ "," if not loop.last }}
                    {%- endfor %}
                ) as complement,
            {%- else %}
                cast(null as bigint) as complement,
            {%- endif %}
            num__nb_logements as logements_zone,
            num__taux_reponse as repondants_zone,
            den__taux_reponse as occupes_zone
        from {{ zones }}
        {%- if mailles_par_variable is not none %}
            where maille in ('{{ mailles_par_variable.get(v["variable"], []) | join("', '") }}')  -- noqa: LT05
        {%- endif %}
        {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
