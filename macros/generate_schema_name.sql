{#- Les schémas portent le nom de leur couche (staging, intermediate, marts, referentiel),
    sans préfixe de cible : un relecteur SQL retrouve les tables par leur couche. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
