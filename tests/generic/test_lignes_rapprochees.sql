{#- Chaque ligne lue doit être comptée une fois : lues = somme des parties.
    Renvoie une ligne qui explique chaque écart. -#}
{% test lignes_rapprochees(model, lues, parties, libelle) %}
select
    {{ libelle }} as element,
    {{ lues }} as lues,
    {{ parties | join(' + ') }} as comptees,
    'Rapprochement faux pour ' || {{ libelle }} || ' : ' || {{ lues }} || ' lignes lues, '
    || ({{ parties | join(' + ') }}) || ' comptées ({{ parties | join(" + ") }})' as explication
from {{ model }}
where {{ lues }} <> {{ parties | join(' + ') }}
{% endtest %}
