"""The study: its folder and settings (`configuration`, etude.yml) and its DuckDB warehouse
(`entrepot`, schema `raw`).

May import: `peuplement.erreurs`, `peuplement.chargement.catalogue` (the `raw` tables' fields),
`peuplement.protection` (register, encryption). Nothing else.
"""
