{#- Tranche de revenu par rapport aux plafonds PLUS : la tranche déclarée par le bailleur, sinon
    celle du pourcentage du plafond qu'il a donné (< 20, 20-40, 40-60, 60-100, > 100). -#}
{% macro tranche_revenu(code, pourcentage) -%}
    coalesce(
        {{ code }},
        case
            when {{ pourcentage }} is null then null
            when {{ pourcentage }} < 20 then 'moins_20'
            when {{ pourcentage }} < 40 then '20_40'
            when {{ pourcentage }} < 60 then '40_60'
            when {{ pourcentage }} <= 100 then '60_100'
            else 'plus_100'
        end
    )
{%- endmacro %}
