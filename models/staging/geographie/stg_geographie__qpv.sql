-- Quartiers prioritaires de la politique de la ville.
with qpv as (
    select * from {{ source('geographie', 'geo_qpv') }}
)

select
    trim(code_qpv) as code_qpv,
    libelle_qpv,
    trim(code_commune) as code_commune,
    cast(coalesce(liste_qpv, '2015') as integer) as liste_qpv
from qpv
