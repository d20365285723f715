-- Les lignes présentes dans raw.ops_lignes pour chaque fichier actif sont exactement celles
-- que le rapport du chargement de ce fichier annonce comme chargées.
with presentes as (
    select
        fichier_sha256,
        bailleur,
        count(*) as lignes
    from {{ source('bailleurs', 'ops_lignes') }}
    group by fichier_sha256, bailleur
),

annoncees as (
    select
        rapports.fichier_sha256,
        rapports.bailleur,
        rapports.fichier,
        rapports.lignes_chargees
    from {{ ref('stg_chargement__rapports_fichiers') }} as rapports
    inner join {{ ref('stg_chargement__fichiers') }} as fichiers
        on
            rapports.fichier_sha256 = fichiers.fichier_sha256
            and rapports.load_id = fichiers.load_id
    where rapports.jeu = 'ops' and rapports.statut = 'charge' and fichiers.actif
)

select
    annoncees.fichier,
    annoncees.lignes_chargees,
    coalesce(presentes.lignes, 0) as lignes_presentes,
    'Le fichier ' || annoncees.fichier || ' annonce ' || annoncees.lignes_chargees
    || ' lignes chargées mais l''entrepôt en contient ' || coalesce(presentes.lignes, 0)
        as explication
from annoncees
left join presentes
    on
        annoncees.fichier_sha256 = presentes.fichier_sha256
        and annoncees.bailleur = presentes.bailleur
where annoncees.lignes_chargees <> coalesce(presentes.lignes, 0)
