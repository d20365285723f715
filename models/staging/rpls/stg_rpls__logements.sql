-- Le RPLS typé : géographie (commune, IRIS complet, QPV des listes 2015 et 2024), pièces,
-- financement et segment de patrimoine de chaque logement.
with rpls as (
    select * from {{ source('rpls', 'rpls_logements') }}
)

select
    trim(id_rpls) as id_rpls,
    trim(depcom) as code_commune,
    libcom as libelle_commune,
    case
        when length(trim(plg_iris)) = 4 then trim(depcom) || trim(plg_iris)
        else nullif(trim(plg_iris), '')
    end as code_iris,
    case when plg_qp15 like 'Q%' then plg_qp15 end as code_qpv_2015,
    case
        when plg_qp24 like 'Q%' then plg_qp24
        when qpv_code like 'Q%' then qpv_code
    end as code_qpv_2024,
    {{ en_entier('nbpiece') }} as nb_pieces,
    {{ en_decimal('surfhab') }} as surface_habitable,
    {{ en_entier('construct') }} as annee_construction,
    typeconst as type_construction,
    trim(finan) as code_financement,
    nullif(trim(codsegpatrim), '') as code_segment_patrimoine,
    libsegpatrim as libelle_segment_patrimoine,
    fichier,
    ligne_source,
    fichier_sha256
from rpls
