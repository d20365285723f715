{#- Les variables de comptage de la publication, tirées du catalogue : chaque expression de
    numérateur ou de dénominateur distincte (espaces retirés) est une variable, dont la valeur
    dans une zone est la colonne `num__`/`den__` du premier indicateur qui l'utilise.
    `enquete` : la variable vient des réponses à l'enquête (elle devient `nd` quand le taux de
    réponse de la zone est insuffisant) ; `menages` : elle compte des ménages ou des logements
    (bornée par le nombre de logements de la cellule) ; `populations` : les dénominateurs dont
    elle est une part (règle du complément). -#}
{% macro variables_secret() -%}
    {%- set variables = {} -%}
    {%- set ordre = [] -%}
    {%- for i in catalogue_indicateurs(types=['effectif', 'part', 'taux', 'moyenne']) -%}
        {%- for role, prefixe in [('numerateur', 'num__'), ('denominateur', 'den__')] -%}
            {%- set expression = i[role] -%}
            {%- if expression -%}
                {%- set nom = expression | replace(' ', '') -%}
                {%- if nom not in variables -%}
                    {%- do variables.update({nom: {
                        'variable': nom,
                        'colonne': prefixe ~ i['indicateur'],
                        'enquete': false,
                        'menages': i['unite'] in ['menages', 'logements'],
                        'unite': i['unite'],
                        'populations': [],
                    }}) -%}
                    {%- do ordre.append(nom) -%}
                {%- endif -%}
                {%- if i['famille'] != 'couverture' -%}
                    {%- do variables[nom].update({'enquete': true}) -%}
                {%- endif -%}
                {%- if role == 'numerateur' and i['type'] in ['part', 'taux'] and i['denominateur'] -%}
                    {%- set population = i['denominateur'] | replace(' ', '') -%}
                    {%- if population not in variables[nom]['populations'] -%}
                        {%- do variables[nom]['populations'].append(population) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set resultat = [] -%}
    {%- for nom in ordre -%}
        {%- do resultat.append(variables[nom]) -%}
    {%- endfor -%}
    {{ return(resultat) }}
{%- endmacro %}

{#- Les identités vraies dans chaque cellule, que l'attaquant connaît par les définitions :
    une partition (le dénominateur = somme des catégories), une somme (`a + b`), un produit
    (`recent * x` est une partie de `x`), une part hors partition (le dénominateur = la part + un
    reste). Chaque identité : liste de (variable, coefficient) de somme nulle ; une variable
    `reste:...` n'est jamais publiée (sa valeur se déduit de l'identité). -#}
{% macro identites_secret() -%}
    {%- set identites = {} -%}
    {%- set partitions = {} -%}
    {%- for i in catalogue_indicateurs(types=['effectif', 'part', 'taux', 'moyenne']) -%}
        {%- set numerateur = i['numerateur'] | replace(' ', '') -%}
        {%- set denominateur = (i['denominateur'] or '') | replace(' ', '') -%}
        {%- if i['partition'] -%}
            {%- if i['partition'] not in partitions -%}
                {%- do partitions.update({i['partition']: [(denominateur, 1)]}) -%}
            {%- endif -%}
            {%- do partitions[i['partition']].append((numerateur, -1)) -%}
        {%- elif i['type'] in ['part', 'taux'] -%}
            {%- do identites.update({'complement:' ~ denominateur ~ '-' ~ numerateur: [
                (denominateur, 1), (numerateur, -1), ('reste:' ~ denominateur ~ '-' ~ numerateur, -1)
            ]}) -%}
        {%- endif -%}
        {%- for expression in [numerateur, denominateur] -%}
            {%- if '+' in expression -%}
                {%- set termes = [(expression, 1)] -%}
                {%- for terme in expression.split('+') -%}
                    {%- do termes.append((terme, -1)) -%}
                {%- endfor -%}
                {%- do identites.update({'somme:' ~ expression: termes}) -%}
            {%- elif '*' in expression -%}
                {%- set facteurs = expression.split('*') -%}
                {%- do identites.update({'produit:' ~ expression: [
                    (facteurs[1], 1), (expression, -1), ('reste:' ~ expression, -1)
                ]}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for nom, termes in partitions.items() -%}
        {%- do identites.update({'partition:' ~ nom: termes}) -%}
    {%- endfor -%}
    {{ return(identites) }}
{%- endmacro %}
