{#- Les mailles publiées : (nom, expression du code de zone sur une cellule, filtre des cellules
    qui en font partie). Une seule définition pour int_indicateurs__zones et dim_zones.
    epci_qpv : l'EPCI en deux parts, en QPV et le reste (hors QPV et logements que le RPLS ne
    situe pas : une troisième zone de quelques logements obligerait à masquer l'une des deux
    autres). -#}
{% macro mailles() -%}
    {{ return([
        ('epci', 'code_epci', 'true'),
        ('epci_qpv', "code_epci || case when cote_qpv = 'qpv' then '-qpv' else '-hors_qpv' end", 'true'),
        ('commune', 'code_commune', 'true'),
        ('commune_qpv', "code_commune || '-' || cote_qpv", 'true'),
        ('qpv', 'code_qpv', 'code_qpv is not null'),
        ('iris', 'code_iris', 'code_iris is not null'),
        ('quartier', 'code_quartier', 'code_quartier is not null'),
        ('residence', 'code_residence', 'true'),
    ]) }}
{%- endmacro %}
