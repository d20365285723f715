{#- Le ménage a emménagé récemment : l'indicateur du bailleur s'il l'a donné, sinon une date
    d'emménagement dans les `mois` mois qui précèdent la date de référence. -#}
{% macro est_emmenage_recent(indicateur, date_emmenagement, date_reference, mois) -%}
    coalesce(
        {{ indicateur }},
        {{ date_emmenagement }} > {{ mois_avant(date_reference, mois) }}
        and {{ date_emmenagement }} <= {{ date_reference }}
    )
{%- endmacro %}
