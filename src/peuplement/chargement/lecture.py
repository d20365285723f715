"""Read a spreadsheet (xlsx, xlsm, xls, xlsb, ods through calamine) or a CSV into raw rows.

Nothing is interpreted here: a sheet is its rows of cells, with the number of its first row.
Every failure becomes an ErreurFichier with a French message.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import python_calamine as calamine

from ..erreurs import ErreurFichier
from .dictionnaire import ConfigSource

SEPARATEURS = (";", ",", "\t", "|")
# An OPS export has a few dozen columns, the RPLS open-data file about a hundred: a file wider
# than this is not a table of dwellings (wrong delimiter, a pasted export, a hostile file), and
# looking for its header among all its cells would take minutes.
LARGEUR_MAX = 1000


@dataclass
class Feuille:
    nom: str | None  # None for a CSV file
    lignes: list[list]
    premiere_ligne: int = 1  # source row number of lignes[0]
    numeros: list[int] | None = None  # source row numbers when rows span several lines (CSV)
    encodage: str | None = None
    separateur: str | None = None


def lire_fichier(
    chemin: Path,
    config: ConfigSource,
    contenu: bytes | None = None,
    nom: str | None = None,
    analyse: Analyse | None = None,
) -> list[Feuille]:
    """All sheets of a file. `contenu` lets a caller pass bytes it already holds in memory;
    `nom` is how messages name the file (its path in the study); `analyse` is the workbook
    already parsed (see `analyser_tableur`)."""
    nom = nom or str(chemin)
    tableur = est_tableur(chemin)
    if contenu is None and not (tableur and chemin.stat().st_size):
        contenu = chemin.read_bytes()
    if contenu is not None and not contenu:
        raise ErreurFichier(nom, "le fichier est vide (0 octet)")
    feuilles = (
        _lire_tableur(nom, chemin, contenu, analyse)
        if tableur
        else [_lire_csv(nom, contenu, config)]
    )
    for feuille in feuilles:
        _verifier_largeur(nom, feuille)
    return feuilles


def est_tableur(chemin: Path) -> bool:
    return chemin.suffix.lower() not in (".csv", ".txt")


@dataclass
class Analyse:
    """A workbook parsed by calamine (its worksheets, in order), or why it could not be."""

    feuilles: list[tuple[str, calamine.CalamineSheet]]
    erreur_ouverture: Exception | None = None
    erreur_lecture: Exception | None = None


def analyser_tableur(chemin: Path, contenu: bytes | None = None) -> Analyse:
    """Parse every worksheet of a workbook, from its path (fastest) unless the caller holds its
    bytes (e.g. decrypted). calamine releases the GIL while it parses: another thread may run
    this while Python goes on (see `anticipation`)."""
    try:
        if contenu is None:
            classeur = calamine.CalamineWorkbook.from_path(str(chemin))
        else:
            classeur = calamine.CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    except Exception as exc:  # calamine raises several error types for damaged files
        return Analyse([], erreur_ouverture=exc)
    feuilles = []
    try:
        for meta in classeur.sheets_metadata:
            if str(meta.typ) in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                feuilles.append((meta.name, classeur.get_sheet_by_name(meta.name)))
    except Exception as exc:
        return Analyse([], erreur_lecture=exc)
    finally:
        classeur.close()
    return Analyse(feuilles)


def _verifier_largeur(nom: str, feuille: Feuille) -> None:
    largeur = max(map(len, feuille.lignes), default=0)
    if largeur <= LARGEUR_MAX:
        return
    i = next(i for i, ligne in enumerate(feuille.lignes) if len(ligne) == largeur)
    numero = feuille.numeros[i] if feuille.numeros else feuille.premiere_ligne + i
    ou = f"feuille « {feuille.nom} », " if feuille.nom else ""
    raise ErreurFichier(
        nom,
        f"{ou}ligne {numero} : {_milliers(largeur)} colonnes, au-delà des "
        f"{_milliers(LARGEUR_MAX)} qu'accepte le "
        "chargement (un fichier d'enquête en compte quelques dizaines) ; vérifiez le séparateur "
        "(clé « separateur » de correspondances.yml) ou retirez du fichier ce qui n'est pas le "
        "tableau des logements",
    )


def _milliers(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _lire_tableur(
    nom: str, chemin: Path, contenu: bytes | None, analyse: Analyse | None
) -> list[Feuille]:
    resultat = analyse or analyser_tableur(chemin, contenu)
    exc = resultat.erreur_ouverture
    if isinstance(exc, calamine.PasswordError):
        raise ErreurFichier(
            nom,
            "le classeur est protégé par un mot de passe : demandez au bailleur une version "
            "sans mot de passe (la transmission peut être chiffrée autrement)",
        ) from exc
    if exc is not None:
        entete = contenu[:8] if contenu is not None else chemin.open("rb").read(8)
        if entete == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and chemin.suffix.lower() != ".xls":
            raise ErreurFichier(
                nom,
                "le classeur est chiffré (protégé par un mot de passe) : demandez au bailleur "
                "une version sans mot de passe",
            ) from exc
        raise ErreurFichier(
            nom, f"fichier illisible ou endommagé, pas un classeur valide ({exc})"
        ) from exc
    feuilles = []
    try:
        if resultat.erreur_lecture is not None:
            raise resultat.erreur_lecture
        while resultat.feuilles:  # each sheet's parse freed once it is Python rows
            nom_feuille, feuille = resultat.feuilles.pop(0)
            lignes = feuille.to_python(skip_empty_area=True)
            debut = feuille.start[0] + 1 if feuille.start else 1
            feuilles.append(Feuille(nom_feuille, lignes, debut))
    except calamine.PasswordError as exc:
        raise ErreurFichier(nom, "le classeur est protégé par un mot de passe") from exc
    except Exception as exc:
        raise ErreurFichier(nom, f"lecture impossible ({exc})") from exc
    return feuilles


def decoder(nom: str, contenu: bytes, encodage: str | None) -> tuple[str, str]:
    """Decode a text file: the declared encoding, else UTF-8, else Windows-1252."""
    if b"\x00" in contenu[:4096]:
        raise ErreurFichier(
            nom,
            "le fichier contient des octets nuls : encodage UTF-16 ou fichier binaire renommé ; "
            "enregistrez-le en CSV UTF-8 ou Latin-1",
        )
    essais = [encodage] if encodage else ["utf-8-sig", "cp1252"]
    derniere = None
    for enc in essais:
        try:
            return contenu.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError as exc:
            derniere = exc
        except LookupError as exc:
            raise ErreurFichier(nom, f"encodage « {enc} » inconnu") from exc
    assert derniere is not None
    ligne = contenu[: derniere.start].count(b"\n") + 1
    octet = contenu[derniere.start : derniere.start + 1].hex().upper()
    attendu = f"l'encodage déclaré « {encodage} »" if encodage else "UTF-8 ni Windows-1252"
    raise ErreurFichier(
        nom,
        f"ligne {ligne} : l'octet 0x{octet} n'est pas valide pour {attendu} ; "
        "vérifiez l'encodage du fichier (clé « encodage » de correspondances.yml)",
    )


def deviner_separateur(texte: str) -> str:
    """The delimiter whose per-line count is the most regular over the first lines."""
    lignes = [ligne for ligne in texte.splitlines()[:60] if ligne.strip()]
    meilleur, score_max = ";", -1
    for sep in SEPARATEURS:
        comptes = Counter(ligne.count(sep) for ligne in lignes if sep in ligne)
        if not comptes:
            continue
        nombre, frequence = max(comptes.items(), key=lambda kv: (kv[1], kv[0]))
        score = nombre * frequence
        if score > score_max:
            meilleur, score_max = sep, score
    return meilleur


def _lire_csv(nom: str, contenu: bytes, config: ConfigSource) -> Feuille:
    texte, encodage = decoder(nom, contenu, config.encodage)
    separateur = config.separateur or deviner_separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    lignes, numeros, fin = [], [], 0
    try:
        for enregistrement in lecteur:
            lignes.append(enregistrement)
            numeros.append(fin + 1)
            fin = lecteur.line_num
    except csv.Error as exc:
        raise ErreurFichier(nom, f"ligne {fin + 1} : CSV mal formé ({exc})") from exc
    return Feuille(None, lignes, 1, numeros, encodage, separateur)
