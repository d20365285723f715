"""Errors carrying a French message meant for the analyst running the command."""


class ErreurPeuplement(Exception):
    """Base error: its message is shown as is to the user, in French."""


class ErreurConfiguration(ErreurPeuplement):
    """etude.yml or a landlord's correspondances.yml is invalid."""


class ErreurFichier(ErreurPeuplement):
    """An input file cannot be loaded as a whole (unreadable, no header, missing column...)."""

    def __init__(self, fichier: str, message: str):
        super().__init__(f"{fichier} : {message}")
        self.fichier = fichier


class ErreurConvention(ErreurPeuplement):
    """The operation is not allowed by the convention (e.g. after its end date)."""
