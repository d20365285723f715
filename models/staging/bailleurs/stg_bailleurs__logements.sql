-- Lignes OPS acceptées des bailleurs, typées, et codées selon les listes canoniques
-- (dictionnaire intégré + correspondances propres à chaque bailleur). Matérialisé en table :
-- six jointures de codage sur des millions de lignes, lues par plusieurs tests et modèles.
{{ config(materialized='table') }}
{%- set champs_codes = [
    'occupation', 'repondu', 'situation_familiale', 'revenu_plafond', 'apl', 'emmenage_recent'] %}
{%- set champs_entiers = [
    'nb_occupants', 'nb_enfants', 'age_titulaire', 'nb_moins_18', 'nb_18_24', 'nb_25_64',
    'nb_65_plus', 'nb_emploi_stable', 'nb_emploi_precaire', 'nb_chomeurs', 'nb_sans_emploi'] %}

with lignes as (
    select * from {{ source('bailleurs', 'ops_lignes') }}
),

correspondances as (
    select
        bailleur,
        champ,
        valeur_normalisee,
        code
    from {{ source('bailleurs', 'correspondances_valeurs') }}
    where jeu = 'ops'
),

codees as (
    select
        lignes.*,
    {%- for champ in champs_codes %}
        code_{{ champ }}.code as code_{{ champ }}{{ "," if not loop.last }}
    {%- endfor %}
    from
        lignes
    {%- for champ in champs_codes %}
        left join correspondances as code_{{ champ }}
            on
                lignes.bailleur = code_{{ champ }}.bailleur
                and code_{{ champ }}.champ = '{{ champ }}'
                and {{ normaliser_libelle('lignes.' ~ champ) }} = code_{{ champ }}.valeur_normalisee
    {%- endfor %}
)

select
    bailleur,
    millesime,
    id_logement_bailleur,
    nullif(trim(id_rpls), '') as id_rpls,
    nullif(trim(programme), '') as code_programme,
    nullif(trim(commune), '') as code_commune_declaree,
    code_occupation as occupation,
    code_repondu = 'oui' as repondu,
    code_situation_familiale as situation_familiale,
    {%- for champ in champs_entiers %}
        {{ en_entier(champ) }} as {{ champ }},
    {%- endfor %}
    {{ liste_entiers('ages_occupants') }} as ages_occupants,
    code_revenu_plafond as revenu_plafond,
    {{ en_decimal('revenu_pct_plafond') }} as revenu_pct_plafond,
    code_apl = 'oui' as apl,
    code_emmenage_recent = 'oui' as emmenage_recent,
    {{ en_date('date_emmenagement') }} as date_emmenagement,
    fichier,
    feuille,
    ligne_source,
    fichier_sha256,
    load_id
from codees
