-- Le registre des fichiers chargés, actifs ou retirés.
with fichiers as (
    select * from {{ source('chargement', 'fichiers') }}
)

select
    fichier_sha256,
    jeu,
    bailleur,
    chemin as fichier,
    nom_fichier,
    feuille,
    millesime,
    taille_octets,
    encodage,
    separateur,
    config_sha256,
    load_id,
    charge_le,
    actif,
    retire_le,
    retire_par,
    motif_retrait
from fichiers
