{#- Le catalogue des indicateurs (seed `indicateurs`), lu à la compilation : chaque ligne devient
    une somme dans int_indicateurs__cellules et une série de lignes de fct_indicateurs. Ajouter un
    indicateur = ajouter une ligne au seed (numérateur et dénominateur : expressions SQL sur les
    colonnes de int_menages__caracteristiques). `types` filtre les types voulus. -#}
{% macro catalogue_indicateurs(types=none) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set requete -%}
        select
            indicateur, type, famille, unite, partition, numerateur, denominateur,
            indicateur_a, indicateur_b
        from {{ ref('indicateurs') }}
        order by ordre
    {%- endset -%}
    {%- set lignes = [] -%}
    {%- for ligne in run_query(requete).rows -%}
        {%- if types is none or ligne['type'] in types -%}
            {%- do lignes.append(ligne) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(lignes) }}
{%- endmacro %}
