{#- La combinaison de colonnes identifie chaque ligne. Une ligne par doublon. -#}
{% test cle_unique(model, colonnes) %}
select
    {{ colonnes | join(', ') }},
    count(*) as occurrences,
    'Clé ({{ colonnes | join(", ") }}) répétée ' || count(*) || ' fois' as explication
from {{ model }}
group by {{ colonnes | join(', ') }}
having count(*) > 1
{% endtest %}
