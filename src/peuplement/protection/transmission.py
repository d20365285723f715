"""Encrypted transmission of the landlords' files (age format, X25519).

`peuplement cles creer` creates the study's key pair: the public recipient goes to the landlords
(cles/destinataire.txt, printed), the secret identity is stored only encrypted with the warehouse
key (cles/identite.age, age passphrase mode). A landlord sends `ops_2022.xlsx.age`; the loader
decrypts it in memory and never writes the clear file.
"""

from __future__ import annotations

from pathlib import Path

from ..erreurs import ErreurConfiguration, ErreurFichier
from ..etude.configuration import Etude
from .chiffrement import VARIABLE_CLE, cle

DOSSIER = "cles"
DESTINATAIRE = "destinataire.txt"
IDENTITE = "identite.age"
EXTENSION = ".age"


def creer_cles(etude: Etude) -> str:
    """Create the key pair; returns the public recipient to send to the landlords."""
    from pyrage import passphrase, x25519

    secret = cle(etude.nom)
    if not secret:
        raise ErreurConfiguration(
            f"définissez d'abord {VARIABLE_CLE} : la clé privée de l'étude est conservée chiffrée avec elle"
        )
    dossier = etude.dossier / DOSSIER
    if (dossier / IDENTITE).exists():
        raise ErreurConfiguration(
            f"{dossier / IDENTITE} existe déjà : la paire de clés de l'étude est créée"
        )
    identite = x25519.Identity.generate()
    destinataire = str(identite.to_public())
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / IDENTITE).write_bytes(passphrase.encrypt(str(identite).encode(), secret))
    (dossier / DESTINATAIRE).write_text(destinataire + "\n", encoding="utf-8")
    return destinataire


def dechiffrer(etude: Etude, chemin: Path, nom: str) -> bytes:
    """The clear bytes of an age-encrypted landlord file, in memory only."""
    from pyrage import DecryptError, decrypt, passphrase, x25519

    secret = cle(etude.nom)
    fichier_identite = etude.dossier / DOSSIER / IDENTITE
    if not secret or not fichier_identite.exists():
        raise ErreurFichier(
            nom,
            f"fichier chiffré (age) : il faut la paire de clés de l'étude "
            f"(peuplement cles creer) et {VARIABLE_CLE}",
        )
    try:
        identite = x25519.Identity.from_str(
            passphrase.decrypt(fichier_identite.read_bytes(), secret).decode()
        )
        return decrypt(chemin.read_bytes(), [identite])
    except DecryptError as exc:
        raise ErreurFichier(
            nom,
            f"déchiffrement impossible ({exc}) : le fichier n'a pas été chiffré "
            f"pour cette étude, ou {VARIABLE_CLE} n'est pas la bonne clé",
        ) from exc


def nom_clair(chemin: Path) -> Path:
    """ops.xlsx.age -> ops.xlsx (the format is the inner extension)."""
    return chemin.with_suffix("") if chemin.suffix.lower() == EXTENSION else chemin


def rechiffrer_identite(etude: Etude, ancienne: str, nouvelle: str) -> bool:
    """Keep the transmission private key encrypted with the new warehouse key."""
    from pyrage import passphrase

    fichier = etude.dossier / DOSSIER / IDENTITE
    if not fichier.exists():
        return False
    fichier.write_bytes(
        passphrase.encrypt(passphrase.decrypt(fichier.read_bytes(), ancienne), nouvelle)
    )
    return True
