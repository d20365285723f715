-- Communes de l'EPCI.
with communes as (
    select * from {{ source('geographie', 'geo_communes') }}
)

select
    trim(code_commune) as code_commune,
    libelle_commune,
    trim(code_epci) as code_epci,
    libelle_epci
from communes
