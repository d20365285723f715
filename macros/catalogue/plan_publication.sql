{#- Le plan de publication (seed `plan_publication`), lu à la compilation : pour chaque maille,
    les indicateurs publiés (colonne de la maille à « oui »). Une maille sans colonne dans le seed
    arrête la compilation avec un message clair. -#}
{% macro plan_publication() -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set lignes = run_query('select * from ' ~ ref('plan_publication')) -%}
    {%- set colonnes = lignes.column_names | map('lower') | list -%}
    {%- set plan = {} -%}
    {%- for maille, _, _ in mailles() -%}
        {%- if maille not in colonnes -%}
            {{ exceptions.raise_compiler_error(
                "seeds/plan_publication.csv : la colonne « " ~ maille ~ " » manque (une colonne "
                ~ "par maille, « oui » ou « non » pour chaque indicateur)."
            ) }}
        {%- endif -%}
        {%- set publies = [] -%}
        {%- for ligne in lignes.rows -%}
            {%- if (ligne[maille] | string | lower | trim) == 'oui' -%}
                {%- do publies.append(ligne['indicateur']) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do plan.update({maille: publies}) -%}
    {%- endfor -%}
    {{ return(plan) }}
{%- endmacro %}

{#- Pour chaque variable de comptage, le nombre de lignes d'indicateurs du plan qui la lisent
    à chaque maille (numérateur ou dénominateur ; pour un écart, ceux de ses deux parts) :
    {variable: {maille: nombre}}. -#}
{% macro lignes_des_variables() -%}
    {%- set par_code = {} -%}
    {%- for i in catalogue_indicateurs() -%}{%- do par_code.update({i['indicateur']: i}) -%}{%- endfor -%}
    {%- set resultat = {} -%}
    {%- for maille, indicateurs in plan_publication().items() -%}
        {%- for code in indicateurs if code in par_code -%}
            {%- set i = par_code[code] -%}
            {%- set sources = [i] if i['type'] != 'ecart'
                else [par_code[i['indicateur_a']], par_code[i['indicateur_b']]] -%}
            {%- for s in sources -%}
                {%- for expression in [s['numerateur'], s['denominateur']] if expression -%}
                    {%- set nom = expression | replace(' ', '') -%}
                    {%- if nom not in resultat -%}{%- do resultat.update({nom: {}}) -%}{%- endif -%}
                    {%- do resultat[nom].update({maille: resultat[nom].get(maille, 0) + 1}) -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(resultat) }}
{%- endmacro %}

{#- Les mailles où chaque variable de comptage est publiée : celles où un indicateur du plan
    l'a pour numérateur ou dénominateur (pour un écart, ceux de ses deux parts). -#}
{% macro mailles_des_variables() -%}
    {%- set resultat = {} -%}
    {%- for nom, par_maille in lignes_des_variables().items() -%}
        {%- do resultat.update({nom: par_maille.keys() | list}) -%}
    {%- endfor -%}
    {{ return(resultat) }}
{%- endmacro %}

{#- Condition SQL : l'indicateur de la ligne est publié à sa maille selon le plan. -#}
{% macro indicateur_dans_le_plan(colonne_maille, colonne_indicateur) -%}
    {%- set plan = plan_publication() -%}
    (
    {%- for maille, codes in plan.items() %}
        ({{ colonne_maille }} = '{{ maille }}' and {{ colonne_indicateur }} in (
            {%- for c in codes %}'{{ c }}'{{ ", " if not loop.last }}{% endfor -%}
            {%- if not codes %}null{% endif -%}
        )){{ " or" if not loop.last }}
    {%- endfor %}
    {%- if not plan %}true{% endif %}
    )
{%- endmacro %}
