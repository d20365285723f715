"""Statistical secrecy: cells and additive relations, primary rules, joint secondary
suppression and an attacker's audit by linear programming (HiGHS).

Owns the table model (`modele`), the release built from the warehouse (`publication`), the
protection (`protection`), its first pass on the zone sums (`conditions`) and its last pass
publishing again the secondaries no reader needs (`republication`), the audit (`audit`), the
solver settings (`solveur`) and the entry points of the dbt Python models (`entrepot`); its
independent components run in `peuplement.parallele`'s pool. May import: `peuplement.erreurs`
and `peuplement.parallele` only; it reads no file of the study itself.
"""
