{#- Les mailles publiées : (nom, expression du code de zone sur une cellule, filtre des cellules
    qui en font partie). Une seule définition pour int_indicateurs__zones et dim_zones. -#}
{% macro mailles() -%}
    {{ return([
        ('epci', 'code_epci', 'true'),
        ('commune', 'code_commune', 'true'),
        ('commune_qpv', "code_commune || '-' || cote_qpv", 'true'),
        ('qpv', 'code_qpv', 'code_qpv is not null'),
        ('iris', 'code_iris', 'code_iris is not null'),
        ('quartier', 'code_quartier', 'code_quartier is not null'),
        ('residence', 'code_residence', 'true'),
    ]) }}
{%- endmacro %}
