"""What leaves the warehouse: the CIL workbook, the landlords' restitutions, the open files.

Called by the dbt model `exp_publication` after every secrecy test has passed; reads only the
published marts. May import: `peuplement.erreurs`, `peuplement.protection.registre`,
`peuplement.cartographie` (the maps, written with the rest of the export).
"""
