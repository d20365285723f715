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
    return message_disque_plein(str(exc))


def message_disque_plein(texte: str) -> bool:
    """A message (the OS's, DuckDB's, dbt's) saying the disk or the file-size limit is full."""
    texte = texte.lower()
    return any(
        m in texte for m in ("no space left", "file too large", "disk quota", "not enough space")
    )


def erreur_disque_plein(dossier, besoin_octets: int, quoi: str) -> ErreurEspace:
    """The French message of a full disk: the folder, the free space, what is needed."""
    import shutil

    try:
        libre = shutil.disk_usage(dossier).free
    except OSError:
        libre = None
    mo = 1024 * 1024
    return ErreurEspace(
        f"disque plein (ou limite de taille de fichier atteinte) dans {dossier} : {quoi} ; "
        + (f"espace libre : {libre / mo:.0f} Mo ; " if libre is not None else "")
        + f"il faut environ {max(besoin_octets, mo) / mo:.0f} Mo libres : libérez de la place "
        "puis relancez la commande"
    )


class ErreurMemoire(ErreurPeuplement):
    """DuckDB reached its memory limit: the operation stopped, nothing was half-written."""


def message_memoire_insuffisante(texte: str) -> bool:
    """A message (DuckDB's, through dbt) saying the memory limit was reached."""
    return "out of memory error" in texte.lower()
