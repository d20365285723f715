"""Header and value dictionaries: the built-in French spellings plus a source's own mapping file.

Built-in spellings live in dictionnaires/*.csv (also dbt seeds, so SQL reviewers see them);
a landlord's extra spellings live in bailleurs/<CODE>/correspondances.yml. Nothing here is
specific to one landlord.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..erreurs import ErreurConfiguration
from .catalogue import JEUX, REFERENTIELS, Jeu
from .sens import interpreter
from .texte import normaliser_entete, normaliser_valeur

DOSSIER_DICTIONNAIRES = Path(__file__).parent / "dictionnaires"
IGNORER = "ignorer"
CLES_CONFIG = {"libelle", "feuille", "encodage", "separateur", "colonnes", "valeurs"}


def _lire_csv(nom: str) -> list[dict[str, str]]:
    with open(DOSSIER_DICTIONNAIRES / nom, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def codes_par_variable() -> dict[str, dict[str, str]]:
    """variable -> {code: French label}, from dict_codes.csv."""
    resultat: dict[str, dict[str, str]] = {}
    for ligne in _lire_csv("dict_codes.csv"):
        resultat.setdefault(ligne["variable"], {})[ligne["code"]] = ligne["libelle"]
    return resultat


@cache
def _entetes_integres() -> tuple[tuple[str, str, str], ...]:
    return tuple((x["jeu"], x["champ"], x["entete"]) for x in _lire_csv("dict_entetes.csv"))


@cache
def _valeurs_integrees() -> tuple[tuple[str, str, str], ...]:
    return tuple((x["variable"], x["valeur"], x["code"]) for x in _lire_csv("dict_valeurs.csv"))


@dataclass
class ConfigSource:
    """The optional mapping file of one source (a landlord, or one reference dataset)."""

    chemin: Path | None = None
    libelle: str | None = None
    feuille: str | None = None
    encodage: str | None = None
    separateur: str | None = None
    colonnes: dict[str, str] = field(default_factory=dict)
    valeurs: dict[str, dict[str, str]] = field(default_factory=dict)
    empreinte: str = ""  # SHA-256 of the file, so that a changed mapping triggers a reload

    @classmethod
    def depuis_dict(cls, donnees: dict, chemin: Path | None, jeu: Jeu, empreinte: str = ""):
        ou = str(chemin) if chemin else "configuration"
        if not isinstance(donnees, dict):
            raise ErreurConfiguration(f"{ou} : le fichier doit contenir des clés (colonnes, ...)")
        inconnues = set(donnees) - CLES_CONFIG
        if inconnues:
            raise ErreurConfiguration(
                f"{ou} : clé(s) inconnue(s) {sorted(inconnues)} ; clés possibles : "
                f"{sorted(CLES_CONFIG)}"
            )
        for cle in ("colonnes", "valeurs"):
            if donnees.get(cle) and not isinstance(donnees[cle], dict):
                raise ErreurConfiguration(
                    f"{ou} : « {cle} » doit contenir des lignes « clé: valeur » (une par ligne, "
                    "en retrait sous la clé)"
                )
        colonnes = {str(k): str(v) for k, v in (donnees.get("colonnes") or {}).items()}
        for entete, champ in colonnes.items():
            if champ != IGNORER and champ not in jeu.noms:
                proches = difflib.get_close_matches(champ, jeu.noms, n=3)
                raise ErreurConfiguration(
                    f"{ou} : colonnes → « {entete} » : champ « {champ} » inconnu ; "
                    f"champs possibles : {', '.join(jeu.noms)}, ou « {IGNORER} »"
                    + (f" (vouliez-vous dire {', '.join(proches)} ?)" if proches else "")
                )
        valeurs: dict[str, dict[str, str]] = {}
        codes = codes_par_variable()
        for cle, table in (donnees.get("valeurs") or {}).items():
            variable = _variable_de(jeu, str(cle))
            if variable is None:
                raise ErreurConfiguration(
                    f"{ou} : valeurs → « {cle} » n'est ni un champ codé ni une liste de codes ; "
                    f"possibles : {', '.join(sorted(_cles_valeurs(jeu)))}"
                )
            if not isinstance(table, dict):
                raise ErreurConfiguration(f"{ou} : valeurs → {cle} doit associer libellé → code")
            for libelle, code in table.items():
                if str(code) not in codes[variable]:
                    raise ErreurConfiguration(
                        f"{ou} : valeurs → {cle} → « {libelle} » : code « {code} » inconnu ; "
                        f"codes attendus : {', '.join(codes[variable])}"
                    )
            valeurs[str(cle)] = {"" if k is None else str(k): str(v) for k, v in table.items()}
        return cls(
            chemin=chemin,
            libelle=donnees.get("libelle") or None,
            feuille=donnees.get("feuille") or None,
            encodage=donnees.get("encodage") or None,
            separateur=donnees.get("separateur") or None,
            colonnes=colonnes,
            valeurs=valeurs,
            empreinte=empreinte,
        )

    @classmethod
    def lire(cls, chemin: Path, jeu: Jeu, section: str | None = None) -> ConfigSource:
        """Read a mapping file; `section` picks one dataset in referentiels/correspondances.yml.

        Every value is read as text, as written: `20_40`, `01`, `oui` or `2022-01-01` stay
        what they are (YAML's own typing would turn them into 2040, 1, True, a date)."""
        if not chemin.exists():
            return cls()
        brut = chemin.read_bytes()
        try:
            donnees = yaml.load(brut.decode("utf-8"), Loader=yaml.BaseLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ErreurConfiguration(f"{chemin} : YAML illisible ({exc})") from exc
        if section is not None:
            donnees = _section(donnees, chemin, section)
        empreinte = hashlib.sha256(brut).hexdigest() if donnees else ""
        return cls.depuis_dict(donnees, chemin, jeu, empreinte)


def _section(donnees, chemin: Path, section: str) -> dict:
    """One dataset's part of referentiels/correspondances.yml; the flat form is refused."""
    if not isinstance(donnees, dict):
        raise ErreurConfiguration(f"{chemin} : le fichier doit contenir des sections (rpls:, ...)")
    a_plat = sorted(set(donnees) & CLES_CONFIG)
    if a_plat:
        raise ErreurConfiguration(
            f"{chemin} : « {', '.join(a_plat)} » doit être rangé sous le nom du référentiel "
            f"concerné ({', '.join(REFERENTIELS)}), par exemple :\n{section}:\n  colonnes:\n"
            f'    "DEPCOM_CODE": depcom'
        )
    inconnues = sorted(set(donnees) - set(REFERENTIELS))
    if inconnues:
        raise ErreurConfiguration(
            f"{chemin} : section(s) inconnue(s) {inconnues} ; sections possibles : "
            f"{', '.join(REFERENTIELS)}"
        )
    return donnees.get(section) or {}


def _cles_valeurs(jeu: Jeu) -> set[str]:
    codes = {c.nom for c in jeu.champs if c.type == "code"}
    return codes | {c.variable for c in jeu.champs if c.type == "code" and c.variable}


def _variable_de(jeu: Jeu, cle: str) -> str | None:
    for c in jeu.champs:
        if c.type == "code" and cle in (c.nom, c.variable):
            return c.variable
    return None


# A header without its trailing bracketed note, or without what follows its first colon.
_VARIANTES = re.compile(r"^\s*([^:(\[]*?[^\s:(\[])\s*(?:[(\[].*|:.*)$")


@dataclass(frozen=True)
class Correspondance:
    champ: str
    rang: int | None = None  # position for list fields such as "âge occupant 3"


class Dictionnaire:
    """Maps a source's headers to canonical fields and its value spellings to codes."""

    def __init__(self, jeu: Jeu, config: ConfigSource):
        self.jeu = jeu
        self.config = config
        self.exact: dict[str, str] = {}
        self.motifs: list[tuple[re.Pattern[str], str]] = []
        for nom_jeu, champ, entete in _entetes_integres():
            if nom_jeu != jeu.nom:
                continue
            if "{n}" in entete:
                gabarit = normaliser_entete(entete.replace("{n}", "NUMERO")).replace(
                    "numero", r"_?(\d{1,2})"
                )
                self.motifs.append((re.compile(f"^{gabarit}$"), champ))
            else:
                self.exact[normaliser_entete(entete)] = champ
        for entete, champ in config.colonnes.items():
            self.exact[normaliser_entete(entete)] = champ

    def correspondance(self, entete: str) -> Correspondance | None:
        """The field a header names; failing that, the same without a trailing note in
        brackets (« Occupation (1) », « Surface [m²] ») or what follows a colon."""
        cle = normaliser_entete(entete)
        trouvee = self._correspondance(cle)
        variante = _VARIANTES.match(str(entete))
        if trouvee is None and variante and self.exact.get(cle) != IGNORER:
            trouvee = self._correspondance(normaliser_entete(variante.group(1)))
        return trouvee

    def _correspondance(self, cle: str) -> Correspondance | None:
        if not cle:
            return None
        champ = self.exact.get(cle)
        if champ == IGNORER:
            return None
        if champ is not None:
            return Correspondance(champ)
        for motif, champ_motif in self.motifs:
            trouve = motif.match(cle)
            if trouve:
                return Correspondance(champ_motif, int(trouve.group(1)))
        return None

    def est_ignoree_explicitement(self, entete: str) -> bool:
        return self.exact.get(normaliser_entete(entete)) == IGNORER

    def synonymes(self, champ: str) -> list[str]:
        return [k for k, v in self.exact.items() if v == champ]

    def table_valeurs(self) -> list[tuple[str, str, str, str]]:
        """(champ, normalised spelling, code, origin) for every coded field of the dataset.

        The source's own spellings come last and win over the built-in ones.
        """
        lignes: dict[tuple[str, str], tuple[str, str]] = {}
        integrees = _valeurs_integrees()
        for c in self.jeu.champs:
            if c.type != "code":
                continue
            for variable, valeur, code in integrees:
                if variable == c.variable:
                    lignes[(c.nom, normaliser_valeur(valeur))] = (code, "dictionnaire")
            for cle in (c.variable, c.nom):  # variable-wide first, then field-specific
                for valeur, code in self.config.valeurs.get(cle, {}).items():
                    lignes[(c.nom, normaliser_valeur(valeur or None))] = (code, "bailleur")
        return [(ch, v, code, o) for (ch, v), (code, o) in sorted(lignes.items())]

    @staticmethod
    def interpreter(variable: str | None, valeur: str | None) -> str | None:
        """A value no spelling matches: the code itself (`20_40`), else its meaning."""
        if valeur is None or variable is None:
            return None
        codes = codes_par_variable()[variable]
        cle = normaliser_valeur(valeur)
        return next((c for c in codes if normaliser_valeur(c) == cle), None) or interpreter(
            variable, valeur
        )

    def interpretations(self, champ: str, valeurs: list[str]) -> list[tuple[str, str, str, str]]:
        """Rows of the value table for spellings read by meaning (origin « sens »), so that
        the warehouse's staging reads the same codes as the load's checks."""
        connues = {cle for ch, cle, _, _ in self.table_valeurs() if ch == champ}
        variable = self.jeu.champ(champ).variable
        lignes = {}
        for valeur in valeurs:
            cle = normaliser_valeur(valeur)
            if cle in connues or cle in lignes:
                continue
            code = self.interpreter(variable, valeur)
            if code is not None:
                lignes[cle] = (champ, cle, code, "sens")
        return sorted(lignes.values())

    def coder(self, champ: str, brut):
        """Canonical codes of a coded field's raw Arrow column (null when unrecognised): each
        distinct spelling is looked up once, then spread back by dictionary indices."""
        import pyarrow as pa
        import pyarrow.compute as pc

        table = {cle: code for ch, cle, code, _ in self.table_valeurs() if ch == champ}
        variable = self.jeu.champ(champ).variable
        encode = brut.dictionary_encode()
        codes = pa.array(
            [
                table.get(normaliser_valeur(v)) or self.interpreter(variable, v)
                for v in encode.dictionary.to_pylist()
            ],
            pa.string(),
        )
        resultat = codes.take(encode.indices)
        code_vide = table.get(normaliser_valeur(None))
        if code_vide is not None and brut.null_count:
            resultat = pc.if_else(brut.is_null(), pa.scalar(code_vide), resultat)
        return resultat


def dictionnaire(nom_jeu: str, config: ConfigSource | None = None) -> Dictionnaire:
    return Dictionnaire(JEUX[nom_jeu], config or ConfigSource())
