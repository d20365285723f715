-- Tous les bailleurs consolidés : une ligne par logement déclaré, rattachée au RPLS pour sa
-- géographie. Un logement absent du RPLS est gardé, rattaché à la commune déclarée par son
-- bailleur et signalé. Un identifiant RPLS déclaré par deux bailleurs (ou deux fois) n'est
-- retenu qu'une fois, selon une règle explicite ; l'autre ligne reste visible, marquée.
with logements as (
    select * from {{ ref('stg_bailleurs__logements') }}
),

rpls as (
    select * from {{ ref('stg_rpls__logements') }}
),

parametres as (
    select * from {{ ref('stg_etude__parametres') }}
),

quartiers as (
    select * from {{ ref('stg_geographie__quartiers') }}
),

financements as (
    select * from {{ ref('groupes_financement') }}
),

rattaches as (
    select
        logements.*,
        rpls.id_rpls is not null as est_dans_rpls,
        coalesce(rpls.code_commune, logements.code_commune_declaree) as code_commune,
        rpls.code_iris,
        case
            when rpls.id_rpls is null then null
            when parametres.liste_qpv = 2024 then coalesce(rpls.code_qpv_2024, '')
            else coalesce(rpls.code_qpv_2015, '')
        end as code_qpv_ou_vide,
        rpls.nb_pieces,
        rpls.code_financement,
        coalesce(logements.code_programme, rpls.code_segment_patrimoine) as code_programme_retenu,
        parametres.code_epci,
        parametres.date_reference
    from logements
    cross join parametres
    left join rpls on logements.id_rpls = rpls.id_rpls
),

classes as (
    select
        *,
        case
            when id_rpls is null then 1
            else row_number() over (
                partition by id_rpls
                order by
                    (code_commune_declaree = code_commune) desc nulls last,
                    repondu desc nulls last,
                    bailleur asc,
                    id_logement_bailleur asc
            )
        end as rang_rpls,
        count(*) over (partition by id_rpls) as declarations_rpls
    from rattaches
)

select
    classes.millesime,
    classes.bailleur,
    classes.id_logement_bailleur,
    classes.id_rpls,
    case
        when classes.id_rpls is null then 'sans_identifiant'
        when classes.est_dans_rpls then 'apparie'
        else 'absent_rpls'
    end as statut_rpls,
    classes.rang_rpls = 1 as est_retenu,
    case
        when classes.rang_rpls > 1 then
            'identifiant RPLS déjà déclaré ('
            || cast(classes.declarations_rpls as varchar) || ' déclarations) : ligne non retenue'
    end as motif_exclusion,
    classes.code_epci,
    classes.code_commune,
    classes.code_iris,
    nullif(classes.code_qpv_ou_vide, '') as code_qpv,
    case
        when classes.code_qpv_ou_vide is null then 'inconnu'
        when classes.code_qpv_ou_vide = '' then 'hors_qpv'
        else 'qpv'
    end as cote_qpv,
    quartiers.code_quartier,
    classes.bailleur || ':' || coalesce(classes.code_programme_retenu, 'sans_programme') as code_residence,
    classes.nb_pieces,
    classes.code_financement,
    financements.groupe_financement,
    classes.date_reference,
    classes.occupation,
    classes.repondu,
    classes.situation_familiale,
    classes.nb_occupants,
    classes.nb_enfants,
    classes.age_titulaire,
    classes.nb_moins_18,
    classes.nb_18_24,
    classes.nb_25_64,
    classes.nb_65_plus,
    classes.ages_occupants,
    classes.revenu_plafond,
    classes.revenu_pct_plafond,
    classes.nb_emploi_stable,
    classes.nb_emploi_precaire,
    classes.nb_chomeurs,
    classes.nb_sans_emploi,
    classes.apl,
    classes.emmenage_recent,
    classes.date_emmenagement,
    classes.fichier,
    classes.ligne_source
from classes
left join quartiers on classes.code_iris = quartiers.code_iris
left join financements on classes.code_financement = financements.code_financement
