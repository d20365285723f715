-- Quartiers définis par l'EPCI : à chaque IRIS son quartier.
with quartiers as (
    select * from {{ source('geographie', 'geo_quartiers') }}
)

select
    trim(code_iris) as code_iris,
    trim(code_quartier) as code_quartier,
    libelle_quartier
from quartiers
