-- Le catalogue des indicateurs, tel que le seed `indicateurs` le définit.
with catalogue as (
    select * from {{ ref('indicateurs') }}
)

select
    indicateur,
    cast(ordre as integer) as ordre,
    famille,
    libelle,
    type,
    unite,
    partition,
    numerateur as expression_numerateur,
    denominateur as expression_denominateur,
    indicateur_a,
    indicateur_b,
    definition
from catalogue
