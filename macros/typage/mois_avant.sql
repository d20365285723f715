{#- Date située `mois` mois avant `date_expression` (portable par adapter.dispatch). -#}
{% macro mois_avant(date_expression, mois) -%}
    {{ return(adapter.dispatch('mois_avant', 'peuplement')(date_expression, mois)) }}
{%- endmacro %}

{% macro duckdb__mois_avant(date_expression, mois) -%}
    cast({{ date_expression }} - to_months(cast({{ mois }} as integer)) as date)
{%- endmacro %}

{% macro postgres__mois_avant(date_expression, mois) -%}
    cast({{ date_expression }} - make_interval(months => cast({{ mois }} as integer)) as date)
{%- endmacro %}

{% macro default__mois_avant(date_expression, mois) -%}
    {{ exceptions.raise_compiler_error(
        "mois_avant : pas d'implémentation pour l'adaptateur " ~ adapter.type()) }}
{%- endmacro %}
