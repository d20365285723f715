"""Secondary suppression over the whole release (see src/peuplement/secret/)."""

from peuplement.secret.entrepot import masquer, parametres


def model(dbt, session):
    dbt.config(materialized="table")
    seuil, secondaire = parametres(dbt.ref("int_secret__parametres"))
    return masquer(
        dbt.ref("int_secret__cellules_base"),
        dbt.ref("int_secret__cellules"),
        dbt.ref("int_secret__appartenances"),
        dbt.ref("int_secret__identites"),
        dbt.ref("int_secret__disponibilites"),
        seuil=seuil,
        secondaire=secondaire,
        lignes=dbt.ref("int_secret__lignes"),
    )
