"""Statistical secrecy: cells and additive relations, primary rules, joint secondary
suppression and an attacker's audit by linear programming (HiGHS)."""
