{#- Clé de comparaison d'un libellé : minuscules, sans accents, sans espaces (ni insécables).
    Même règle que le chargeur Python (peuplement.chargement.texte.normaliser_valeur) ; une valeur vide
    donne « (vide) », pour qu'un bailleur puisse dire ce que signifie une case vide. -#}
{% macro normaliser_libelle(expression) -%}
    {{ return(adapter.dispatch('normaliser_libelle', 'peuplement')(expression)) }}
{%- endmacro %}

{% macro duckdb__normaliser_libelle(expression) -%}
    coalesce(
        nullif(regexp_replace(lower(strip_accents({{ expression }})), '[\s\x{00A0}\x{202F}]+', '', 'g'), ''),
        '(vide)'
    )
{%- endmacro %}

{% macro default__normaliser_libelle(expression) -%}
    {{ exceptions.raise_compiler_error(
        "normaliser_libelle : pas d'implémentation pour l'adaptateur " ~ adapter.type()
        ~ " ; ajoutez " ~ adapter.type() ~ "__normaliser_libelle dans macros/typage/") }}
{%- endmacro %}
