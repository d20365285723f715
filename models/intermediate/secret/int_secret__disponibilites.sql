-- depends_on: {{ ref('indicateurs') }}
-- Les variables d'enquête qu'un bailleur ne fournit pas : un bailleur qui a des répondants mais
-- dont la population de la variable (les ménages dont elle est connue, par exemple
-- `activite_connue`) est nulle sur tout l'EPCI n'a pas transmis la colonne. Ses cellules de
-- cette variable valent 0 et tout lecteur le sait (ce n'est pas un secret) ; une ligne dont
-- tous les bailleurs sont dans ce cas est « non disponible » (nd), jamais une cible de l'audit.
{%- set variables = variables_secret() %}
{%- set enquete = {} %}
{%- for v in variables %}{% do enquete.update({v['variable']: v['enquete']}) %}{% endfor %}

with totaux as (
    select
        bailleur,
        code_variable,
        sum(valeur) as total
    from {{ ref('int_secret__cellules_base') }}
    group by bailleur, code_variable
),

bailleurs as (
    select
        bailleur,
        max(case when code_variable = 'repondant' then total end) as repondants
    from totaux
    group by bailleur
)

{%- for v in variables if v['enquete'] %}
    {%- set populations = [] %}
    {%- for p in v['populations'] if enquete.get(p) %}{% do populations.append(p) %}{% endfor %}
    {%- if not populations %}{% do populations.append(v['variable']) %}{% endif %}
    select
        bailleurs.bailleur,
        '{{ v["variable"] }}' as code_variable,
        coalesce(bailleurs.repondants, 0) = 0 or coalesce(max(totaux.total), 0) > 0 as disponible
    from bailleurs
    left join totaux
        on
            bailleurs.bailleur = totaux.bailleur
            and totaux.code_variable in (
                {%- for p in populations %}'{{ p }}'{{ ", " if not loop.last }}{% endfor -%}
            )
    group by bailleurs.bailleur, bailleurs.repondants
    {{ "union all" if not loop.last }}
{%- endfor %}
