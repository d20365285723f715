-- Les paramètres du secret pour cette construction (variables dbt, défauts de la convention),
-- lus par les modèles Python du masquage et de l'audit.
select
    cast({{ var('secret_seuil') }} as double) as seuil,
    cast({{ var('secret_taux_reponse_minimal') }} as double) as taux_reponse_minimal,
    {{ 'true' if var('secret_masquage_secondaire') | string | lower == 'true' else 'false' }}
        as masquage_secondaire
