{#- Liste d'entiers écrite « 34;32;5 » (âges des occupants) → liste SQL d'entiers. -#}
{% macro liste_entiers(expression) -%}
    {{ return(adapter.dispatch('liste_entiers', 'peuplement')(expression)) }}
{%- endmacro %}

{% macro duckdb__liste_entiers(expression) -%}
    list_transform(string_split({{ expression }}, ';'), valeur -> {{ en_entier('valeur') }})
{%- endmacro %}

{% macro default__liste_entiers(expression) -%}
    {{ exceptions.raise_compiler_error(
        "liste_entiers : pas d'implémentation pour l'adaptateur " ~ adapter.type()) }}
{%- endmacro %}
