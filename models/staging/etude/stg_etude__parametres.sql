-- Les paramètres de l'étude (etude.yml) en une ligne typée.
with parametres as (
    select * from {{ source('etude', 'parametres') }}
)

select
    max(case when cle = 'etude' then valeur end) as etude,
    max(case when cle = 'code_epci' then valeur end) as code_epci,
    max(case when cle = 'libelle_epci' then valeur end) as libelle_epci,
    cast(max(case when cle = 'millesime' then valeur end) as integer) as millesime,
    cast(max(case when cle = 'date_reference' then valeur end) as date) as date_reference,
    cast(max(case when cle = 'liste_qpv' then valeur end) as integer) as liste_qpv,
    cast(max(case when cle = 'effectif_minimum' then valeur end) as integer) as effectif_minimum,
    cast(max(case when cle = 'taux_reponse_minimum' then valeur end) as double) as taux_reponse_minimum
from parametres
