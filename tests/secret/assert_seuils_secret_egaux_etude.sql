-- Les seuils du secret appliqués par cette construction (variables dbt) sont ceux de l'étude
-- (etude.yml, copiés dans raw.parametres) : `peuplement build` les transmet ; un `dbt build`
-- lancé à la main avec d'autres seuils échoue ici.
select
    'Seuils du secret : construction ' || {{ var('secret_seuil') }} || ' / '
    || {{ var('secret_taux_reponse_minimal') }} || ', étude ' || effectif_minimum || ' / '
    || taux_reponse_minimum
    || ' ; lancez « peuplement build » ou passez --vars avec les seuils de etude.yml' as explication
from {{ ref('stg_etude__parametres') }}
where
    effectif_minimum <> {{ var('secret_seuil') }}
    or abs(taux_reponse_minimum - {{ var('secret_taux_reponse_minimal') }}) > 1e-9
