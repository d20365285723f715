-- Les logements enquêtés (dénominateur du taux de réponse) sont des logements occupés, et tout
-- répondant est enquêté ; un logement loué à un ménage l'est toujours. Une ligne par écart.
select
    bailleur,
    id_logement_bailleur
from {{ ref('int_menages__caracteristiques') }}
where logement_enquete > occupe or repondant > logement_enquete or loue > logement_enquete
