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


class ErreurEspace(ErreurPeuplement):
    """The disk (or the file-size limit) is full: nothing was written."""


def disque_plein(exc: BaseException) -> bool:
    """An error caused by a full disk or a file-size limit, from the OS or from DuckDB."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    texte = str(exc).lower()
    return any(
        m in texte for m in ("no space left", "file too large", "disk quota", "not enough space")
    )
