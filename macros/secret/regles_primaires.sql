{#- Les règles primaires du secret (convention : seuil de 11 unités, taux de réponse de 60 %).
    Chacune est une condition SQL vraie quand la cellule est sensible ; les seuils viennent des
    variables dbt `secret_seuil` et `secret_taux_reponse_minimal`. -#}

{#- Moins de `secret_seuil` unités (0 compris : une part à 0 %). -#}
{% macro secret_effectif_faible(effectif) -%}
    ({{ effectif }} < {{ var('secret_seuil') }})
{%- endmacro %}

{#- La population moins l'effectif est sous le seuil (une part à 100 % ou presque). -#}
{% macro secret_complement_faible(population, effectif) -%}
    ({{ population }} - {{ effectif }} < {{ var('secret_seuil') }})
{%- endmacro %}

{#- Une zone de moins de `secret_seuil` logements : toutes ses cellules sont sensibles. -#}
{% macro secret_zone_trop_petite(logements) -%}
    ({{ logements }} < {{ var('secret_seuil') }})
{%- endmacro %}

{#- Taux de réponse de la zone sous le minimum : résultats d'enquête non diffusés (`nd`). -#}
{% macro secret_reponse_insuffisante(repondants, occupes) -%}
    ({{ repondants }} < {{ var('secret_taux_reponse_minimal') }} * {{ occupes }})
{%- endmacro %}

{#- Bailleur dominant : dans une cellule « ensemble », les bailleurs présents autres que le plus
    gros détiennent ensemble moins de 11 unités ; celui-ci, qui connaît ses propres locataires,
    retrouverait par différence un effectif sous le seuil (leur somme). S'ils en détiennent
    ensemble 11 ou plus, il n'apprend qu'un effectif d'au moins 11 unités : la cellule n'est pas
    sensible par cette règle (ce que chaque bailleur peut en déduire avec les autres chiffres
    publiés, l'audit de chaque lecteur le vérifie). `autres_effectif` : la somme des effectifs
    des bailleurs présents, moins celui du plus gros. -#}
{% macro secret_bailleur_dominant(nb_bailleurs_presents, autres_effectif) -%}
    ({{ nb_bailleurs_presents }} >= 2 and {{ autres_effectif }} < {{ var('secret_seuil') }})
{%- endmacro %}

{#- Les variables connues de tous : `secret_variables_publiques` (les logements, publics dans le
    RPLS), l'occupation au 1er janvier (`secret_variables_occupation` : loué, vacant, loué à un
    tiers, enregistrés dans le RPLS) quand `secret_occupation_publique` est vrai, et toute somme
    `a + b` de variables publiques (les logements occupés). -#}
{% macro secret_publiques() -%}
    {%- set publiques = [] -%}
    {%- for v in var('secret_variables_publiques') %}{% do publiques.append(v) %}{% endfor -%}
    {%- if var('secret_occupation_publique') | string | lower == 'true' -%}
        {%- for v in var('secret_variables_occupation') %}{% do publiques.append(v) %}{% endfor -%}
    {%- endif -%}
    {%- for v in variables_secret() -%}
        {%- set termes = v['variable'].split('+') -%}
        {%- if termes | length > 1 and termes | reject('in', publiques) | list | length == 0 -%}
            {%- do publiques.append(v['variable']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(publiques) }}
{%- endmacro %}

{#- Une variable connue de tous (voir `secret_publiques`) : toujours publiée. -#}
{% macro secret_variable_publique(code_variable) -%}
    ({{ code_variable }} in (
    {%- for v in secret_publiques() %}'{{ v }}'{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{#- Une ligne fait partie de la publication : toujours pour « ensemble », et pour un bailleur aux
    mailles de `secret_mailles_bailleurs`. -#}
{% macro secret_ligne_publiee(maille, bailleur) -%}
    {%- set mailles = "'" ~ var('secret_mailles_bailleurs') | join("', '") ~ "'" -%}
    ({{ bailleur }} = 'ensemble' or {{ maille }} in ({{ mailles }}))
{%- endmacro %}

{#- La marque d'une ligne faite de deux cellules (numérateur et dénominateur, ou les deux parts
    d'un écart) : `nd` si l'une est `nd`, sinon `s` si l'une est masquée, sinon `publie`. -#}
{% macro secret_marque_combinee(marque_a, marque_b) -%}
    case
        when 'nd' in ({{ marque_a }}, {{ marque_b }}) then 'nd'
        when 's' in ({{ marque_a }}, {{ marque_b }}) then 's'
        else 'publie'
    end
{%- endmacro %}

{#- Pourquoi une ligne faite de deux cellules est `nd` : `non_disponible` (variable que ses
    bailleurs ne fournissent pas) l'emporte sur `reponse_insuffisante`. -#}
{% macro secret_motif_nd_combine(motif_a, motif_b) -%}
    case
        when 'non_disponible' in ({{ motif_a }}, {{ motif_b }}) then 'non_disponible'
        else coalesce({{ motif_a }}, {{ motif_b }})
    end
{%- endmacro %}
