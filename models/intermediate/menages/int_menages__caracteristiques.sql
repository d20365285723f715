-- Une ligne par logement retenu, avec les variables de ménage dérivées sous forme de comptes
-- (0 ou 1 par ménage, ou nombre de personnes) : le catalogue d'indicateurs (seed
-- `indicateurs`) les additionne. Les variables d'un ménage ne comptent que s'il a répondu.
-- Le taux de réponse rapporte les répondants aux logements enquêtés (`logement_enquete`).
with logements as (
    select * from {{ ref('int_logements__consolides') }}
    where est_retenu
),

seuils as (
    select * from {{ ref('seuils_indicateurs') }}
),

menages as (
    select
        logements.*,
        logements.occupation in ('loue', 'loue_tiers') and coalesce(logements.repondu, false)
            as est_repondant,
        {{ tranche_revenu('logements.revenu_plafond', 'logements.revenu_pct_plafond') }} as tranche_revenu,
        coalesce(
            logements.nb_moins_18,
            {{ compter_inferieurs('logements.ages_occupants', 18) }}
        ) as mineurs,
        {{ est_emmenage_recent(
            'logements.emmenage_recent', 'logements.date_emmenagement',
            'logements.date_reference', 'seuils.mois_emmenagement_recent') }} as est_recent,
        seuils.ecart_sur_occupation,
        seuils.ecart_sous_occupation,
        seuils.enfants_grande_famille,
        seuils.personnes_grande_famille,
        seuils.age_jeune_titulaire,
        seuils.age_titulaire_age,
        seuils.age_titulaire_tres_age
    from logements
    cross join seuils
),

repondants as (
    select
        *,
        case when est_repondant then situation_familiale end as sit,
        case when est_repondant and tranche_revenu <> 'inconnu' then tranche_revenu end as rev,
        case when est_repondant then apl end as apl_repondant,
        case when est_repondant then nb_occupants end as occupants,
        case when est_repondant then nb_enfants end as enfants,
        case when est_repondant then coalesce(age_titulaire, ages_occupants[1]) end as age,
        case when est_repondant and nb_occupants is not null then mineurs end as mineurs_connus,
        case when est_repondant then est_recent end as recent_repondant,
        case
            when
                est_repondant
                and coalesce(nb_emploi_stable, nb_emploi_precaire, nb_chomeurs, nb_sans_emploi) is not null
                then coalesce(nb_emploi_stable, 0)
        end as actifs_stables,
        case
            when
                est_repondant
                and coalesce(nb_emploi_stable, nb_emploi_precaire, nb_chomeurs, nb_sans_emploi) is not null
                then
                    coalesce(nb_emploi_stable, 0) + coalesce(nb_emploi_precaire, 0)
                    + coalesce(nb_chomeurs, 0) + coalesce(nb_sans_emploi, 0)
        end as majeurs_classes
    from menages
)

select
    millesime,
    bailleur,
    id_logement_bailleur,
    code_epci,
    code_commune,
    cote_qpv,
    code_qpv,
    code_iris,
    code_quartier,
    code_residence,
    1 as logement,
    case when occupation = 'loue' then 1 else 0 end as loue,
    case when occupation = 'vacant' then 1 else 0 end as vacant,
    case when occupation = 'loue_tiers' then 1 else 0 end as loue_tiers,
    case when occupation in ('loue', 'loue_tiers') then 1 else 0 end as occupe,
    -- les logements enquêtés, dénominateur du taux de réponse : loués à un ménage, et loués à un
    -- organisme tiers quand le bailleur donne une réponse (oui ou non) ; un logement loué à un
    -- tiers sans réponse n'a pas de ménage à enquêter et ne compte pas
    case
        when occupation = 'loue' or (occupation = 'loue_tiers' and repondu is not null) then 1 else 0
    end as logement_enquete,
    case when est_repondant then 1 else 0 end as repondant,
    case when sit is not null then 1 else 0 end as sit_connue,
    case when sit = 'personne_seule' then 1 else 0 end as sit_personne_seule,
    case when sit = 'monoparentale' then 1 else 0 end as sit_monoparentale,
    case when sit = 'couple_sans_enfant' then 1 else 0 end as sit_couple_sans_enfant,
    case when sit = 'couple_avec_enfants' then 1 else 0 end as sit_couple_avec_enfants,
    case when sit = 'autre' then 1 else 0 end as sit_autre,
    case when rev is not null then 1 else 0 end as rev_connu,
    case when rev = 'moins_20' then 1 else 0 end as rev_moins_20,
    case when rev = '20_40' then 1 else 0 end as rev_20_40,
    case when rev = '40_60' then 1 else 0 end as rev_40_60,
    case when rev = '60_100' then 1 else 0 end as rev_60_100,
    case when rev = 'plus_100' then 1 else 0 end as rev_plus_100,
    case when apl_repondant is not null then 1 else 0 end as apl_connu,
    case when apl_repondant then 1 else 0 end as apl_oui,
    case when occupants is not null then 1 else 0 end as taille_connue,
    coalesce(occupants, 0) as nb_personnes,
    case
        when occupants >= personnes_grande_famille or enfants >= enfants_grande_famille then 1
        else 0
    end as grande_famille,
    case when age is not null then 1 else 0 end as age_connu,
    case when age < 25 then 1 else 0 end as age_moins_25,
    case when age >= 25 and age < 30 then 1 else 0 end as age_25_29,
    case when age >= 30 and age < 40 then 1 else 0 end as age_30_39,
    case when age >= 40 and age < 50 then 1 else 0 end as age_40_49,
    case when age >= 50 and age < 65 then 1 else 0 end as age_50_64,
    case when age >= 65 and age < 75 then 1 else 0 end as age_65_74,
    case when age >= 75 then 1 else 0 end as age_75_plus,
    case when age < age_jeune_titulaire then 1 else 0 end as tit_jeune,
    case when age >= age_titulaire_age then 1 else 0 end as tit_age,
    case when age >= age_titulaire_tres_age then 1 else 0 end as tit_tres_age,
    coalesce(mineurs_connus, 0) as nb_mineurs,
    case when mineurs_connus is not null then occupants else 0 end as nb_personnes_age_connu,
    case when actifs_stables is not null then 1 else 0 end as activite_connue,
    case when actifs_stables = 0 then 1 else 0 end as sans_emploi_stable,
    case when majeurs_classes is not null then coalesce(nb_chomeurs, 0) else 0 end as nb_majeurs_chomeurs,
    coalesce(majeurs_classes, 0) as nb_majeurs_classes,
    case when recent_repondant is not null then 1 else 0 end as recent_connu,
    case when recent_repondant then 1 else 0 end as recent,
    case when occupants is not null and nb_pieces is not null then 1 else 0 end as densite_connue,
    case when occupants >= nb_pieces + ecart_sur_occupation then 1 else 0 end as sur_occupation,
    case when nb_pieces >= occupants + ecart_sous_occupation then 1 else 0 end as sous_occupation
from repondants
