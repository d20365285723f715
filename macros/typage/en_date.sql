{#- Lecture d'une date écrite par un bailleur : AAAA-MM-JJ (dates Excel lues par le chargeur),
    JJ/MM/AAAA, JJ-MM-AAAA, ou numéro de série Excel (nombre de jours depuis le 30/12/1899,
    entre 10000 et 109574). Même règle que les contrôles du chargement. -#}
{% macro en_date(expression) -%}
    {{ return(adapter.dispatch('en_date', 'peuplement')(expression)) }}
{%- endmacro %}

{% macro duckdb__en_date(expression) -%}
    coalesce(
        cast(try_strptime({{ expression }}, '%Y-%m-%d') as date),
        cast(try_strptime({{ expression }}, '%d/%m/%Y') as date),
        cast(try_strptime({{ expression }}, '%d-%m-%Y') as date),
        cast(try_strptime({{ expression }}, '%Y-%m-%d %H:%M:%S') as date),
        case
            when {{ en_entier(expression) }} between 10000 and 109574
                then date '1899-12-30' + cast({{ en_entier(expression) }} as integer)
        end
    )
{%- endmacro %}

{% macro default__en_date(expression) -%}
    {{ exceptions.raise_compiler_error(
        "en_date : pas d'implémentation pour l'adaptateur " ~ adapter.type()) }}
{%- endmacro %}
