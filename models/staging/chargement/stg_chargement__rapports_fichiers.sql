-- Rapprochement par fichier des chargements successifs (lues = chargées + quarantaine + ignorées).
with rapports as (
    select * from {{ source('chargement', 'rapport_chargement') }}
),

chargements as (
    select
        load_id,
        debut as charge_le,
        operateur
    from {{ source('chargement', 'chargements') }}
)

select
    rapports.load_id,
    chargements.charge_le,
    chargements.operateur,
    rapports.jeu,
    rapports.bailleur,
    rapports.fichier,
    rapports.feuille,
    rapports.fichier_sha256,
    rapports.statut,
    rapports.rows_read as lignes_lues,
    rapports.rows_loaded as lignes_chargees,
    rapports.rows_quarantined as lignes_quarantaine,
    rapports.rows_skipped as lignes_ignorees,
    rapports.avertissements,
    rapports.raisons,
    rapports.message
from rapports
inner join chargements on rapports.load_id = chargements.load_id
