{#- Nombre d'éléments d'une liste d'entiers inférieurs à un seuil (âges des occupants). -#}
{% macro compter_inferieurs(liste, seuil) -%}
    {{ return(adapter.dispatch('compter_inferieurs', 'peuplement')(liste, seuil)) }}
{%- endmacro %}

{% macro duckdb__compter_inferieurs(liste, seuil) -%}
    len(list_filter({{ liste }}, age -> age < {{ seuil }}))
{%- endmacro %}

{% macro default__compter_inferieurs(liste, seuil) -%}
    {{ exceptions.raise_compiler_error(
        "compter_inferieurs : pas d'implémentation pour l'adaptateur " ~ adapter.type()) }}
{%- endmacro %}
