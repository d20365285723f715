-- Le statut final de chaque cellule publiable : règles primaires (int_secret__cellules) puis
-- masquage secondaire (int_secret__masquage). `motif` : pourquoi la cellule est masquée.
with cellules as (
    select * from {{ ref('int_secret__cellules') }}
),

masquage as (
    select * from {{ ref('int_secret__masquage') }}
)

select
    cellules.millesime,
    cellules.maille,
    cellules.code_zone,
    cellules.bailleur,
    cellules.code_variable,
    cellules.valeur,
    cellules.exigence_haute,
    masquage.cellule_modele,
    -- une variable non fournie : connue de tous (0) dans le modèle, « nd » dans la publication
    case
        when cellules.motif_primaire = 'non_disponible' then 'masque_nd' else masquage.statut
    end as statut,
    case
        when cellules.motif_primaire = 'non_disponible' then 'non_disponible'
        when masquage.statut = 'secondaire' then 'secondaire'
        when masquage.statut = cellules.statut_initial then cellules.motif_primaire
        else 'meme_cellule_que_masquee'
    end as motif
from cellules
inner join masquage
    on
        cellules.maille = masquage.maille
        and cellules.code_zone = masquage.code_zone
        and cellules.bailleur = masquage.bailleur
        and cellules.code_variable = masquage.code_variable
