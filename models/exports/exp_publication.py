"""The export of the release: the CIL workbook, the landlords' restitutions (from
fct_restitutions), the open files.
Downstream of fct_indicateurs and its secrecy tests: a failed test skips it (nothing written)."""

import os

from peuplement.exports.publication import dossier_exports, exporter


def model(dbt, session):
    dbt.config(materialized="table")
    relations = {
        "fct_indicateurs": dbt.ref("fct_indicateurs"),
        "fct_restitutions": dbt.ref("fct_restitutions"),
        "fct_secret_synthese": dbt.ref("fct_secret_synthese"),
        "dim_zones": dbt.ref("dim_zones"),
        "dim_indicateurs": dbt.ref("dim_indicateurs"),
        "stg_etude__parametres": dbt.ref("stg_etude__parametres"),
        "stg_bailleurs__bailleurs": dbt.ref("stg_bailleurs__bailleurs"),
        "int_secret__audit": dbt.ref("int_secret__audit"),
        "stg_geographie__communes": dbt.ref("stg_geographie__communes"),
        "stg_geographie__iris": dbt.ref("stg_geographie__iris"),
        "stg_geographie__qpv": dbt.ref("stg_geographie__qpv"),
    }
    return exporter(relations, dossier_exports(), os.environ.get("PEUPLEMENT_OPERATEUR"))
