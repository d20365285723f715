"""What the purge looks for in the kept files: the values of the landlords' files.

Before the landlords' files are destroyed, their cells are read (in memory; `.age` files are
decrypted in memory when the key is set) and every value that could identify someone is kept
aside, minus the public vocabulary (the loader's built-in dictionaries, the project's seeds, the
study's mapping files and settings, the reference files: commune names, open-data RPLS) and
dates. After the destruction, every kept file of the study (register, exports, settings,
mapping files, keys folder) is searched for them, accents and case aside. The attestation names
the file and how many values it holds, never the values.

What identifies, and is searched:
- the dwelling identifiers, whatever their length: the values the loader read as the landlord's
  or the RPLS identifier (loaded or quarantined rows, from the warehouse before it is
  destroyed), from 3 characters on and as whole words (« L0007 » is not found inside
  « L00071 »); only numbers of fewer than 5 digits are left out, as they cannot be told apart
  from the counts, years and codes the exports are made of;
- in any column, texts of 6 characters or more and numbers of 8 digits or more (names,
  addresses, e-mails, phone numbers, identifiers in columns the loader did not read).
Shorter values of other columns (a postal code, an age, « T3 », « oui », a household size) do
not identify anyone alone and are found in any aggregate table: they are not searched.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from ..etude.configuration import FICHIER_CORRESPONDANCES, Etude

LONGUEUR_TEXTE, CHIFFRES_NOMBRE = 6, 8
LONGUEUR_IDENTIFIANT, CHIFFRES_IDENTIFIANT = 3, 5
_MOT = re.compile(r"\w+")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?")
TABLEURS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte)
    return " ".join(
        "".join(c for c in sans_accents if not unicodedata.combining(c)).lower().split()
    )


def _cellules(chemin: Path, contenu: bytes | None = None) -> list[str]:
    """Every cell of a spreadsheet or delimited text file, as text (unreadable: none)."""
    suffixe = chemin.suffix.lower()
    try:
        if suffixe in TABLEURS:
            import python_calamine as calamine

            classeur = (
                calamine.CalamineWorkbook.from_filelike(io.BytesIO(contenu))
                if contenu is not None
                else calamine.CalamineWorkbook.from_path(str(chemin))
            )
            return [
                str(c)
                for nom in classeur.sheet_names
                for ligne in classeur.get_sheet_by_name(nom).to_python(skip_empty_area=False)
                for c in ligne
                if c not in ("", None)
            ]
        octets = contenu if contenu is not None else chemin.read_bytes()
        try:
            texte = octets.decode("utf-8-sig")
        except UnicodeDecodeError:
            texte = octets.decode("cp1252", errors="replace")
        lecteur = csv.reader(io.StringIO(texte), delimiter=_separateur(texte))
        return [c for ligne in lecteur for c in ligne if c.strip()]
    except Exception:  # unreadable here: it was refused at load, its name is in the register
        return []


def _separateur(texte: str) -> str:
    debut = texte[:4096]
    return max(";,\t|", key=debut.count)


def _identifiante(valeur: str) -> bool:
    valeur = valeur.strip()
    if _DATE.fullmatch(valeur):
        return False
    chiffres = re.sub(r"[\s.]", "", valeur)
    if chiffres.isdigit():
        return len(chiffres) >= CHIFFRES_NOMBRE
    return len(valeur) >= LONGUEUR_TEXTE


def _vocabulaire(etude: Etude) -> set[str]:
    """Public words the kept files may share with the landlords' files."""
    vocabulaire: set[str] = set()
    racine_paquet = Path(__file__).resolve().parents[1]
    sources = list((racine_paquet / "chargement" / "dictionnaires").glob("*.csv"))
    sources += list((racine_paquet.parents[1] / "seeds").glob("*.csv"))
    if etude.dossier_referentiels.is_dir():
        sources += [p for p in etude.dossier_referentiels.rglob("*") if p.is_file()]
    for source in sources:
        vocabulaire.update(normaliser(c) for c in _cellules(source))
    for texte in _textes_parametres(etude):
        vocabulaire.update(
            normaliser(ligne.split(":", 1)[-1].strip(" \"'")) for ligne in texte.splitlines()
        )
        vocabulaire.update(
            normaliser(ligne.split(":", 1)[0].strip(" \"'-")) for ligne in texte.splitlines()
        )
    return vocabulaire


def _textes_parametres(etude: Etude) -> list[str]:
    chemins = [etude.dossier / "etude.yml"]
    if etude.dossier_bailleurs.is_dir():
        chemins += list(etude.dossier_bailleurs.rglob(FICHIER_CORRESPONDANCES))
    return [p.read_text(encoding="utf-8", errors="replace") for p in chemins if p.is_file()]


def _identifiant_distinctif(valeur: str) -> bool:
    if valeur.isdigit():
        return len(valeur) >= CHIFFRES_IDENTIFIANT
    return len(valeur) >= LONGUEUR_IDENTIFIANT


def identifiants(etude: Etude) -> set[str]:
    """The dwelling identifiers the loader read (normalised), from the warehouse before it is
    destroyed; none when it cannot be opened (no key given: the cell rules remain)."""
    import duckdb

    from ..etude import entrepot

    if not etude.chemin_base.exists():
        return set()
    try:
        con = entrepot.ouvrir_etude(etude)
    except Exception:  # no key, another command holds it: the cell rules still apply
        return set()
    try:
        lignes = con.execute(
            "select id_logement_bailleur from raw.ops_lignes union "
            "select id_rpls from raw.ops_lignes union "
            "select contenu::json ->> 'id_logement_bailleur' from raw.quarantaine union "
            "select contenu::json ->> 'id_rpls' from raw.quarantaine"
        ).fetchall()
    except duckdb.Error:
        return set()
    finally:
        con.close()
    normalises = {normaliser(v) for (v,) in lignes if v}
    return {v for v in normalises if _identifiant_distinctif(v)}


def a_chercher(etude: Etude, a_detruire: list[Path]) -> tuple[set[str], set[str]]:
    """What the purge will search for, read before the files are destroyed (normalised, minus
    the public vocabulary): the identifying cell values, and the dwelling identifiers."""
    vocabulaire = _vocabulaire(etude)
    sensibles = valeurs_sensibles(etude, a_detruire) - vocabulaire
    return sensibles, identifiants(etude) - vocabulaire - sensibles  # each value counted once


def valeurs_sensibles(etude: Etude, a_detruire: list[Path]) -> set[str]:
    """The identifying cell values of the landlords' files about to be destroyed (normalised)."""
    from .transmission import EXTENSION, dechiffrer, nom_clair

    valeurs: set[str] = set()
    for chemin in a_detruire:
        if not chemin.is_relative_to(etude.dossier_bailleurs):
            continue
        contenu = None
        if chemin.suffix.lower() == EXTENSION:
            try:
                contenu = dechiffrer(etude, chemin, chemin.name)
            except Exception:  # no key here: its clear content never reached the study
                continue
            chemin = nom_clair(chemin)
        valeurs.update(normaliser(c) for c in _cellules(chemin, contenu) if _identifiante(c))
    return valeurs


def _mot_entier(valeur: str, texte: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(valeur)}(?!\w)", texte) is not None


def _texte_conserve(chemin: Path) -> str:
    if chemin.suffix.lower() in TABLEURS:
        return "\n".join(_cellules(chemin))
    return chemin.read_bytes().decode("utf-8", errors="replace")


def restes(etude: Etude, sensibles: set[str], ids: set[str] = frozenset()) -> list[str]:
    """Kept files holding a value of the destroyed files (`sensibles` anywhere in the text,
    `ids` as whole words): « file : n valeur(s) »."""
    if not sensibles and not ids:
        return []
    par_mot: dict[str, list[str]] = {}
    for valeur in sensibles:
        mots = _MOT.findall(valeur)
        if mots:
            par_mot.setdefault(max(mots, key=len), []).append(valeur)
    trouves = []
    for chemin in sorted(p for p in etude.dossier.rglob("*") if p.is_file()):
        try:
            texte = normaliser(_texte_conserve(chemin))
        except OSError:
            continue
        mots = set(_MOT.findall(texte))
        n = sum(valeur in texte for mot in mots & par_mot.keys() for valeur in par_mot[mot])
        n += sum(_mot_entier(i, texte) for i in ids if mots.issuperset(_MOT.findall(i)))
        if n:
            trouves.append(
                f"{chemin.relative_to(etude.dossier)} contient {n} valeur(s) d'un fichier détruit"
            )
    return trouves
