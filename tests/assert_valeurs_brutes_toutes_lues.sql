-- Toute valeur que le chargement a acceptée est lue par la couche staging : un nombre, une date
-- ou un libellé non vide côté brut n'est jamais vide côté typé. Une ligne par écart.
{%- set champs = [
    'occupation', 'repondu', 'situation_familiale', 'nb_occupants', 'nb_enfants', 'age_titulaire',
    'revenu_plafond', 'revenu_pct_plafond', 'apl', 'emmenage_recent', 'date_emmenagement'] %}

with brut as (
    select * from {{ source('bailleurs', 'ops_lignes') }}
),

typees as (
    select * from {{ ref('stg_bailleurs__logements') }}
)

{% for champ in champs %}
    select
        brut.fichier,
        brut.ligne_source,
        '{{ champ }}' as champ,
        brut.{{ champ }} as valeur_brute,
        'ligne ' || brut.ligne_source || ' de ' || brut.fichier || ' : « ' || brut.{{ champ }}
        || ' » acceptée au chargement mais illisible pour {{ champ }}' as explication
    from brut
    inner join typees
        on
            brut.fichier_sha256 = typees.fichier_sha256
            and brut.ligne_source = typees.ligne_source
    where brut.{{ champ }} is not null and typees.{{ champ }} is null
    {{ "union all" if not loop.last }}
{% endfor %}
