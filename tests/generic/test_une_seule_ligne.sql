{#- Le modèle contient exactement une ligne. -#}
{% test une_seule_ligne(model) %}
select
    count(*) as lignes,
    'Le modèle doit contenir exactement une ligne, il en contient ' || count(*) as explication
from {{ model }}
having count(*) <> 1
{% endtest %}
