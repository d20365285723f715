-- Les lignes écartées au chargement, avec leurs raisons et leur contenu brut (JSON).
with quarantaine as (
    select * from {{ source('chargement', 'quarantaine') }}
)

select
    load_id,
    jeu,
    bailleur,
    fichier,
    feuille,
    ligne_source,
    fichier_sha256,
    raisons,
    message,
    contenu
from quarantaine
