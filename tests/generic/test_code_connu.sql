{#- Chaque valeur de la colonne appartient à la liste de codes `variable` du seed dict_codes.
    Renvoie une ligne par valeur inconnue, avec son nombre d'occurrences et une explication. -#}
{% test code_connu(model, column_name, variable) %}
with valeurs as (
    select
        {{ column_name }} as valeur,
        count(*) as occurrences
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
),

codes as (
    select code from {{ ref('dict_codes') }}
    where variable = '{{ variable }}'
)

select
    valeurs.valeur,
    valeurs.occurrences,
    'La valeur « ' || valeurs.valeur || ' » de {{ column_name }} (' || valeurs.occurrences
    || ' lignes) n''est pas un code de la liste {{ variable }}' as explication
from valeurs
left join codes on valeurs.valeur = codes.code
where codes.code is null
{% endtest %}
