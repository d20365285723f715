"""Text that leaves the warehouse: never a formula, whatever a landlord typed in a label."""

from __future__ import annotations

DEBUTS_DE_FORMULE = ("=", "+", "-", "@")


def sur(texte: str | None) -> str:
    """A text cell for a CSV file opened in a spreadsheet: a leading quote neutralises a label
    that starts like a formula (=, +, -, @), as OWASP recommends."""
    if texte is None:
        return ""
    texte = str(texte)
    return "'" + texte if texte.startswith(DEBUTS_DE_FORMULE) else texte
