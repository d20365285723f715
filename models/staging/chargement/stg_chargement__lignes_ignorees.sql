-- Les lignes de titre, d'en-tête, vides ou de total écartées au chargement.
with ignorees as (
    select * from {{ source('chargement', 'lignes_ignorees') }}
)

select
    load_id,
    jeu,
    bailleur,
    fichier,
    feuille,
    ligne_source,
    fichier_sha256,
    raison,
    apercu
from ignorees
