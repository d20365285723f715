-- Les bailleurs de l'étude et leur libellé.
with bailleurs as (
    select * from {{ source('bailleurs', 'bailleurs') }}
)

select
    bailleur,
    libelle as libelle_bailleur,
    dossier
from bailleurs
