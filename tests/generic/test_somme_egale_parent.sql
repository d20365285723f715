{#- Pour chaque bailleur et chaque indicateur additif, la somme des numérateurs et des
    dénominateurs des zones de `maille_enfant` est égale à ceux de la zone parente de
    `maille_parent` (code_parent : expression SQL qui donne, pour une zone enfant, le code de
    sa zone parente ; 'tout' quand la maille parente n'a qu'une zone). Une ligne par écart. -#}
{% test somme_egale_parent(model, maille_enfant, maille_parent, code_parent) %}
with enfants as (
    select
        {{ code_parent }} as code_parent,
        bailleur,
        indicateur,
        sum(numerateur) as numerateur,
        sum(denominateur) as denominateur
    from {{ model }}
    where maille = '{{ maille_enfant }}' and type <> 'ecart'
    group by {{ code_parent }}, bailleur, indicateur
),

parents as (
    select
        {{ "'tout'" if code_parent == "'tout'" else "code_zone" }} as code_parent,
        bailleur,
        indicateur,
        numerateur,
        denominateur
    from {{ model }}
    where maille = '{{ maille_parent }}' and type <> 'ecart'
)

select
    coalesce(parents.code_parent, enfants.code_parent) as code_parent,
    coalesce(parents.bailleur, enfants.bailleur) as bailleur,
    coalesce(parents.indicateur, enfants.indicateur) as indicateur,
    parents.numerateur as numerateur_parent,
    enfants.numerateur as somme_numerateurs,
    parents.denominateur as denominateur_parent,
    enfants.denominateur as somme_denominateurs,
    'Zone ' || coalesce(parents.code_parent, enfants.code_parent) || ' ({{ maille_parent }}), '
    || coalesce(parents.bailleur, enfants.bailleur) || ', '
    || coalesce(parents.indicateur, enfants.indicateur) || ' : '
    || coalesce(cast(parents.numerateur as varchar), 'absent') || ' / '
    || coalesce(cast(parents.denominateur as varchar), '-') || ' mais somme des zones {{ maille_enfant }} = '
    || coalesce(cast(enfants.numerateur as varchar), 'absent') || ' / '
    || coalesce(cast(enfants.denominateur as varchar), '-') as explication
from parents
full outer join enfants
    on
        parents.code_parent = enfants.code_parent
        and parents.bailleur = enfants.bailleur
        and parents.indicateur = enfants.indicateur
where
    parents.numerateur is distinct from enfants.numerateur
    or parents.denominateur is distinct from enfants.denominateur
{% endtest %}
