-- Les identités déclarées au moteur du secret (int_secret__identites, tirées du catalogue) sont
-- vraies dans chaque cellule élémentaire : une partition est exhaustive, une somme est exacte,
-- un reste n'est jamais négatif. Une identité fausse tromperait l'audit ; une ligne par défaut.
with base as (
    select * from {{ ref('int_secret__cellules_base') }}
),

identites as (
    select * from {{ ref('int_secret__identites') }}
),

avec_reste as (
    select
        identite,
        bool_or(code_variable like 'reste:%') as avec_reste
    from identites
    group by identite
),

sommes as (
    select
        base.id_cellule,
        identites.identite,
        sum(identites.coefficient * base.valeur) as somme
    from identites
    inner join base on identites.code_variable = base.code_variable
    group by base.id_cellule, identites.identite
)

select
    sommes.id_cellule,
    sommes.identite,
    'Cellule ' || sommes.id_cellule || ', identité « ' || sommes.identite || ' » : '
    || case
        when avec_reste.avec_reste then 'reste négatif (' || cast(sommes.somme as varchar) || ')'
        else 'écart de ' || cast(sommes.somme as varchar)
    end as explication
from sommes
inner join avec_reste on sommes.identite = avec_reste.identite
where
    (avec_reste.avec_reste and sommes.somme < 0)
    or (not avec_reste.avec_reste and sommes.somme <> 0)
