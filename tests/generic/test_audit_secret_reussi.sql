{#- Lit les verdicts de l'audit de l'attaquant : une ligne par cible exposée, avec ce que
    l'attaquant peut établir. Un échec arrête la construction de fct_indicateurs et des exports. -#}
{% test audit_secret_reussi(model) %}
select
    lecteur,
    cible,
    verdict,
    case when lecteur = 'exterieur' then 'Lecteur extérieur' else 'Bailleur ' || lecteur end
    || ', cible ' || cible || ' : ' || case verdict
        when 'exact' then 'retrouvée exactement'
        when 'petit' then 'prouvée inférieure au seuil'
        when 'somme_petite' then 'somme de cellules masquées prouvée inférieure au seuil'
        when 'complement_petit' then 'complément (population − effectif) prouvé inférieur au seuil'
        else 'exigence non atteinte (' || verdict || ')'
    end || ' ; l''attaquant établit [' || cast(round(minimum, 3) as varchar) || ' ; '
    || cast(round(maximum, 3) as varchar) || ']' as explication
from {{ model }}
where verdict <> 'ok'
{% endtest %}
