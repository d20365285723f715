"""Building a study: `dbt build` of the repository's project on the study's warehouse
(`lancement`), recorded in the register.

May import: `peuplement.erreurs`, `peuplement.etude`, `peuplement.protection`. The dbt models
themselves import `peuplement.secret` and `peuplement.exports`, never this package.
"""
