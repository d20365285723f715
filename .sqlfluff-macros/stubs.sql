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
