{#- Lecture d'un nombre écrit en texte par un bailleur : « 3 », « 3.0 », « 3,0 », « 35,5 ».
    en_decimal renvoie un nombre décimal (NULL si illisible) ; en_entier un entier, NULL si la
    valeur n'est pas un nombre entier. Même règle que les contrôles du chargement. -#}
{% macro en_decimal(expression) -%}
    {{ return(adapter.dispatch('en_decimal', 'peuplement')(expression)) }}
{%- endmacro %}

{% macro duckdb__en_decimal(expression) -%}
    try_cast(replace(replace({{ expression }}, ' ', ''), ',', '.') as double)
{%- endmacro %}

{% macro default__en_decimal(expression) -%}
    {{ exceptions.raise_compiler_error(
        "en_decimal : pas d'implémentation pour l'adaptateur " ~ adapter.type()) }}
{%- endmacro %}

{% macro en_entier(expression) -%}
    (case
        when {{ en_decimal(expression) }} = floor({{ en_decimal(expression) }})
            then cast({{ en_decimal(expression) }} as bigint)
    end)
{%- endmacro %}
