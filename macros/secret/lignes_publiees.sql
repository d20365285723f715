{#- Les lignes d'indicateurs d'une publication, à partir des valeurs vraies (`longues`, colonnes
    de int_indicateurs__long) et de la marque de chaque cellule de comptage (`statuts` :
    millesime, maille, code_zone, bailleur, code_variable, marque parmi publie / s / nd,
    motif_nd) : une ligne est publiée quand son numérateur et son dénominateur le sont, un écart
    quand ses deux parts le sont ; les valeurs d'une ligne non publiée sont vides. Émet des CTE
    puis la requête finale (à placer après les CTE `longues` et `statuts`). Partagé par la
    publication de la CIL (fct_indicateurs) et les restitutions (fct_restitutions). -#}
{#- Chaque indicateur du catalogue avec les variables de comptage de son numérateur et de son
    dénominateur (telles que les cellules les nomment) et, pour un écart, ses deux parts. -#}
{% macro secret_catalogue_lignes() -%}
    select
        indicateur,
        indicateur_a,
        indicateur_b,
        replace(numerateur, ' ', '') as variable_numerateur,
        replace(denominateur, ' ', '') as variable_denominateur
    from {{ ref('indicateurs') }}
{%- endmacro %}

{% macro secret_lignes_publiees(longues, statuts) -%}
catalogue_lignes as (
    {{ secret_catalogue_lignes() }}
),

marques as (
    select
        {{ longues }}.millesime,
        {{ longues }}.maille,
        {{ longues }}.code_zone,
        {{ longues }}.bailleur,
        {{ longues }}.indicateur,
        {{ secret_marque_combinee(
            'numerateurs.marque', "coalesce(denominateurs.marque, 'publie')"
        ) }} as statut,
        {{ secret_motif_nd_combine('numerateurs.motif_nd', 'denominateurs.motif_nd') }} as motif_nd
    from {{ longues }}
    inner join catalogue_lignes on {{ longues }}.indicateur = catalogue_lignes.indicateur
    inner join {{ statuts }} as numerateurs
        on
            {{ longues }}.millesime = numerateurs.millesime
            and {{ longues }}.maille = numerateurs.maille
            and {{ longues }}.code_zone = numerateurs.code_zone
            and {{ longues }}.bailleur = numerateurs.bailleur
            and catalogue_lignes.variable_numerateur = numerateurs.code_variable
    left join {{ statuts }} as denominateurs
        on
            {{ longues }}.millesime = denominateurs.millesime
            and {{ longues }}.maille = denominateurs.maille
            and {{ longues }}.code_zone = denominateurs.code_zone
            and {{ longues }}.bailleur = denominateurs.bailleur
            and catalogue_lignes.variable_denominateur = denominateurs.code_variable
),

marques_ecarts as (
    select
        {{ longues }}.millesime,
        {{ longues }}.maille,
        {{ longues }}.code_zone,
        {{ longues }}.bailleur,
        {{ longues }}.indicateur,
        {{ secret_marque_combinee('parts_a.statut', 'parts_b.statut') }} as statut,
        {{ secret_motif_nd_combine('parts_a.motif_nd', 'parts_b.motif_nd') }} as motif_nd
    from {{ longues }}
    inner join catalogue_lignes on {{ longues }}.indicateur = catalogue_lignes.indicateur
    inner join marques as parts_a
        on
            {{ longues }}.millesime = parts_a.millesime
            and {{ longues }}.maille = parts_a.maille
            and {{ longues }}.code_zone = parts_a.code_zone
            and {{ longues }}.bailleur = parts_a.bailleur
            and catalogue_lignes.indicateur_a = parts_a.indicateur
    inner join marques as parts_b
        on
            {{ longues }}.millesime = parts_b.millesime
            and {{ longues }}.maille = parts_b.maille
            and {{ longues }}.code_zone = parts_b.code_zone
            and {{ longues }}.bailleur = parts_b.bailleur
            and catalogue_lignes.indicateur_b = parts_b.indicateur
),

toutes_marques as (
    select * from marques
    union all
    select * from marques_ecarts
)

select
    {{ longues }}.millesime,
    {{ longues }}.maille,
    {{ longues }}.code_zone,
    {{ longues }}.bailleur,
    {{ longues }}.indicateur,
    {{ longues }}.famille,
    {{ longues }}.type,
    {{ longues }}.unite,
    {{ longues }}.partition,
    toutes_marques.statut,
    toutes_marques.motif_nd,
    case when toutes_marques.statut = 'publie' then {{ longues }}.numerateur end as numerateur,
    case when toutes_marques.statut = 'publie' then {{ longues }}.denominateur end as denominateur,
    case when toutes_marques.statut = 'publie' then {{ longues }}.valeur end as valeur
from {{ longues }}
inner join toutes_marques
    on
        {{ longues }}.millesime = toutes_marques.millesime
        and {{ longues }}.maille = toutes_marques.maille
        and {{ longues }}.code_zone = toutes_marques.code_zone
        and {{ longues }}.bailleur = toutes_marques.bailleur
        and {{ longues }}.indicateur = toutes_marques.indicateur
{%- endmacro %}
