"""Loading: landlords' and référentiels' files into the warehouse's `raw` schema.

Owns the reading of spreadsheets and CSV (`lecture`), header finding (`entete`), title/total/
blank rows (`lignes`), row checks in SQL (`controles`), the built-in dictionaries and a
landlord's mapping file (`dictionnaire`, `dictionnaires/`), the canonical fields (`catalogue`),
deliveries (`livraisons`) and the load itself, one module per step: `chargeur` (the
transaction and the register entry), `session` (what the steps share), `traitement` (one
delivery against the warehouse), `fichier` (one file end to end), `choix_feuille`, `depot`
(row checks and the raw tables), `tables` (a file's batch as Arrow tables that SQL reads by
name) and `rapport` (per-file reconciliation).

May import: `peuplement.erreurs`, `peuplement.etude` (the study and its warehouse) and
`peuplement.protection` (register, decryption of `.age` files). Never the CLI, the secrecy
engine or the exports.
"""
