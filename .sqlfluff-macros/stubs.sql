{#- Linter stubs: sqlfluff's jinja templater has no `adapter`, so the dispatched macros of
    macros/typage/ are replaced here by their DuckDB bodies, for linting only. -#}
{% macro normaliser_libelle(expression) -%}
    coalesce(nullif(regexp_replace(lower(strip_accents({{ expression }})), '\s+', '', 'g'), ''), '(vide)')
{%- endmacro %}
{% macro en_decimal(expression) -%}
    try_cast(replace(replace({{ expression }}, ' ', ''), ',', '.') as double)
{%- endmacro %}
{% macro en_entier(expression) -%}
    cast({{ en_decimal(expression) }} as bigint)
{%- endmacro %}
{% macro en_date(expression) -%}
    cast(try_strptime({{ expression }}, '%Y-%m-%d') as date)
{%- endmacro %}
{% macro liste_entiers(expression) -%}
    string_split({{ expression }}, ';')
{%- endmacro %}
{% macro mois_avant(date_expression, mois) -%}
    cast({{ date_expression }} - to_months({{ mois }}) as date)
{%- endmacro %}
{% macro compter_inferieurs(liste, seuil) -%}
    len(list_filter({{ liste }}, age -> age < {{ seuil }}))
{%- endmacro %}
{#- The catalogue is read from the database at compile time; the linter gets a sample of it. -#}
{% macro catalogue_indicateurs(types=none) -%}
    {%- set exemples = [
        {'indicateur': 'nb_logements', 'type': 'effectif', 'numerateur': 'logement', 'denominateur': none,
         'famille': 'couverture', 'unite': 'logements', 'partition': none},
        {'indicateur': 'part_apl', 'type': 'part', 'numerateur': 'apl_oui', 'denominateur': 'apl_connu',
         'famille': 'aides', 'unite': 'menages', 'partition': none},
        {'indicateur': 'ecart_apl_recents', 'type': 'ecart', 'indicateur_a': 'part_apl_recents',
         'indicateur_b': 'part_apl'},
    ] -%}
    {{ return(exemples | selectattr('type', 'in', types or ['effectif', 'part', 'ecart']) | list) }}
{%- endmacro %}
{% macro mailles() -%}
    {{ return([('epci', 'code_epci', 'true'), ('qpv', 'code_qpv', 'code_qpv is not null')]) }}
{%- endmacro %}
{#- The publication plan is read from the database at compile time; the linter gets a sample. -#}
{% macro lignes_des_variables() -%}
    {{ return({'logement': {'epci': 4, 'commune': 4}, 'apl_oui': {'epci': 1}, 'apl_connu': {'epci': 1}}) }}
{%- endmacro %}
{% macro mailles_des_variables() -%}
    {{ return({'logement': ['epci', 'commune'], 'apl_oui': ['epci'], 'apl_connu': ['epci']}) }}
{%- endmacro %}
{% macro indicateur_dans_le_plan(colonne_maille, colonne_indicateur) -%}
    ({{ colonne_maille }} = 'epci' and {{ colonne_indicateur }} in ('nb_logements', 'part_apl'))
{%- endmacro %}
