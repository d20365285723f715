"""Data protection (annex 1 of the convention): encryption at rest, encrypted transmission,
the register of processing operations and the end-of-study purge.

Owns `chiffrement` (warehouse key, local httpfs extension), `dbt_chiffrement` (dbt-duckdb
plugin that opens the encrypted warehouse), `transmission` (age keys, `.age` files),
`registre` (hash-chained register) and `purge` (destruction, verification, attestation).

May import: `peuplement.erreurs`, `peuplement.etude`, and `peuplement.chargement.livraisons`
(file hashes). Never the CLI, the secrecy engine or the exports.
"""
