-- La zone de chaque maille à laquelle appartient chaque cellule élémentaire : une zone publiée
-- est la somme des cellules qui lui appartiennent (pour un bailleur, ou tous pour « ensemble »).
{%- set mailles = mailles() %}

with cellules as (
    select * from {{ ref('int_indicateurs__cellules') }}
)

{%- for maille, code_zone, filtre in mailles %}
    select
        id_cellule,
        '{{ maille }}' as maille,
        {{ code_zone }} as code_zone
    from cellules
    where {{ filtre }}
    {{ "union all" if not loop.last }}
{%- endfor %}
