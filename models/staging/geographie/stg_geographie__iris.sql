-- IRIS des communes de l'EPCI.
with iris as (
    select * from {{ source('geographie', 'geo_iris') }}
)

select
    trim(code_iris) as code_iris,
    libelle_iris,
    trim(code_commune) as code_commune
from iris
