-- Toutes les anomalies relevées au chargement (rejets et avertissements), avec leur message.
with anomalies as (
    select * from {{ source('chargement', 'anomalies') }}
)

select
    load_id,
    jeu,
    bailleur,
    fichier,
    feuille,
    ligne_source,
    fichier_sha256,
    gravite,
    code_raison,
    champ,
    colonne_source,
    valeur,
    message
from anomalies
