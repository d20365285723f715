"""Synthetic studies (no real person, no real dwelling) for the demo, the tests and benchmarks.

Owns the fictional geography, the households, the landlords' file layouts and defects, and the
writers (xlsx, ods, csv). May import: `peuplement.erreurs`, `peuplement.etude` (to create the
study folder), `peuplement.cartographie.spatial` and `.geopackage` (the synthetic contours).
Never the loader: a synthetic study goes through `peuplement charger` like a real one.
"""
