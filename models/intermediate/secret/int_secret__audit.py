"""The attacker's audit of the final pattern: a separate code path from the protector."""

from peuplement.secret.entrepot import auditer_publication, parametres


def model(dbt, session):
    dbt.config(materialized="table")
    seuil, _ = parametres(dbt.ref("int_secret__parametres"))
    return auditer_publication(
        dbt.ref("int_secret__cellules_base"),
        dbt.ref("int_secret__statuts"),
        dbt.ref("int_secret__appartenances"),
        dbt.ref("int_secret__identites"),
        dbt.ref("int_secret__disponibilites"),
        seuil=seuil,
    )
