"""A study directory: etude.yml, bailleurs/<CODE>/, referentiels/, entrepot/, exports/."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..erreurs import ErreurConfiguration, ErreurConvention
from ..protection.registre import Registre

FICHIER_ETUDE = "etude.yml"
FICHIER_CORRESPONDANCES = "correspondances.yml"
EXTENSIONS_DONNEES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt"}

MODELE_ETUDE = """\
# Étude de peuplement : paramètres de l'étude (voir docs/guide.md)
etude: "{nom}"
epci:
  code: "{code_epci}"        # SIREN de l'EPCI
  libelle: "{libelle_epci}"
millesime: {millesime}            # année de l'enquête OPS
date_reference: {millesime}-01-01 # situation au 1er janvier
liste_qpv: 2015             # liste des QPV utilisée (2015 pour l'OPS 2022)
convention:
  signature: {signature}
  fin: {fin}               # date de fin de la convention
  prolongation_mois: 0      # prolongation éventuelle (12 mois au plus)
operateur: "{operateur}"   # personne en charge du traitement (registre)
mode: {mode}          # « demonstration » : données synthétiques, entrepôt non chiffré permis
seuils:
  effectif_minimum: 11      # aucun résultat sur moins de 11 unités
  taux_reponse_minimum: 0.60
  occupation_publique: true # loué / vacant / loué à un tiers : publics (RPLS), jamais masqués
controles:
  occupants_par_piece: 3    # au-delà de pièces × 3 + marge, la ligne est mise en quarantaine
  marge_occupants: 3
traitement:                 # en-tête du registre remis au délégué à la protection des données
  responsable: "{libelle_epci}"
  finalite: "Étude de peuplement du parc social (données OPS et RPLS, convention de mise à disposition)"
  destinataires: ["Conférence intercommunale du logement", "Bailleurs sociaux (leurs restitutions)"]
"""


@dataclass
class Etude:
    dossier: Path
    nom: str
    code_epci: str
    libelle_epci: str
    millesime: int
    date_reference: dt.date
    operateur: str
    liste_qpv: int = 2015
    signature_convention: dt.date | None = None
    fin_convention: dt.date | None = None
    prolongation_mois: int = 0
    effectif_minimum: int = 11
    taux_reponse_minimum: float = 0.60
    occupation_publique: bool = True  # occupancy at 1 January is a public register fact (RPLS)
    occupants_par_piece: int = 3
    marge_occupants: int = 3
    demonstration: bool = False  # synthetic data only: the warehouse may stay in clear
    responsable: str | None = None  # controller, for the register's heading
    finalite: str | None = None
    destinataires: list[str] = field(default_factory=list)
    brut: dict = field(default_factory=dict, repr=False)

    @property
    def dossier_bailleurs(self) -> Path:
        return self.dossier / "bailleurs"

    @property
    def dossier_referentiels(self) -> Path:
        return self.dossier / "referentiels"

    @property
    def chemin_base(self) -> Path:
        return Path(
            os.environ.get("PEUPLEMENT_DB") or self.dossier / "entrepot" / "peuplement.duckdb"
        )

    @property
    def date_limite(self) -> dt.date | None:
        """End of the convention, extension included (12 months at most)."""
        if self.fin_convention is None:
            return None
        mois = self.fin_convention.month - 1 + self.prolongation_mois
        annee, mois = self.fin_convention.year + mois // 12, mois % 12 + 1
        jour = min(self.fin_convention.day, calendar.monthrange(annee, mois)[1])
        return dt.date(annee, mois, jour)

    def verifier_convention(self, aujourdhui: dt.date | None = None) -> str | None:
        """Refuse personal data after the convention's end; warn during its last 60 days."""
        limite = self.date_limite
        if limite is None:
            return None
        aujourdhui = aujourdhui or dt.date.today()
        if aujourdhui > limite:
            raise ErreurConvention(
                f"la convention a pris fin le {limite:%d/%m/%Y} (etude.yml : convention.fin"
                f"{' + prolongation' if self.prolongation_mois else ''}) : aucun nouveau chargement de "
                "données personnelles n'est permis ; lancez « peuplement purger » ou, si la convention "
                "a été prolongée, renseignez prolongation_mois (12 au plus)"
            )
        if (limite - aujourdhui).days <= 60:
            return (
                f"la convention prend fin le {limite:%d/%m/%Y} ({(limite - aujourdhui).days} jours) : "
                "prévoyez la fin de l'étude et la destruction des données"
            )
        return None

    def bailleurs(self) -> list[str]:
        if not self.dossier_bailleurs.is_dir():
            return []
        return sorted(
            p.name
            for p in self.dossier_bailleurs.iterdir()
            if p.is_dir() and not p.name.startswith(".")
        )


def fichiers_donnees(dossier: Path) -> list[Path]:
    """Data files directly in a folder (no lock files, no hidden files, no mapping file)."""
    if not dossier.is_dir():
        return []
    return sorted(
        p
        for p in dossier.iterdir()
        if p.is_file()
        and (
            p.suffix.lower() in EXTENSIONS_DONNEES
            or (
                p.suffix.lower() == ".age"
                and p.with_suffix("").suffix.lower() in EXTENSIONS_DONNEES
            )
        )
        and not p.name.startswith((".", "~$"))
    )


# -- etude.yml: one schema ------------------------------------------------------------------
# The convention's floors (article 5): no figure on fewer than 11 units, no survey figure where
# fewer than 60 % answered. A study may be stricter, never looser.
PLANCHER_EFFECTIF, PLANCHER_TAUX = 11, 0.60


@dataclass(frozen=True)
class Parametre:
    """One key of etude.yml: its path, type, bounds and default."""

    chemin: str  # "seuils.effectif_minimum"
    type: str  # texte | entier | decimal | date | booleen | choix | textes
    obligatoire: bool = False
    defaut: object = None
    minimum: float | None = None
    maximum: float | None = None
    choix: tuple[str, ...] = ()
    motif: str | None = None  # regular expression a text must match
    aide: str = ""  # what is expected, in French, for the error message


SCHEMA = (
    Parametre("etude", "texte", obligatoire=True, aide="le nom de l'étude"),
    Parametre("epci.code", "texte", obligatoire=True, motif=r"\d{9}", aide="SIREN à 9 chiffres"),
    Parametre("epci.libelle", "texte"),
    Parametre("millesime", "entier", obligatoire=True, minimum=2000, maximum=2100),
    Parametre("date_reference", "date"),
    Parametre("liste_qpv", "entier", defaut=2015, minimum=2015, maximum=2100),
    Parametre("convention.signature", "date"),
    Parametre("convention.fin", "date"),
    Parametre(
        "convention.prolongation_mois",
        "entier",
        defaut=0,
        minimum=0,
        maximum=12,
        aide="la convention permet 12 mois de prolongation au plus",
    ),
    Parametre(
        "operateur",
        "texte",
        obligatoire=True,
        aide="la personne en charge du traitement (registre)",
    ),
    Parametre("mode", "choix", defaut="production", choix=("production", "demonstration")),
    Parametre(
        "seuils.effectif_minimum",
        "entier",
        defaut=PLANCHER_EFFECTIF,
        minimum=PLANCHER_EFFECTIF,
        maximum=1000,
        aide=f"plancher de la convention : {PLANCHER_EFFECTIF} unités, une valeur plus "
        "stricte est permise",
    ),
    Parametre(
        "seuils.taux_reponse_minimum",
        "decimal",
        defaut=PLANCHER_TAUX,
        minimum=PLANCHER_TAUX,
        maximum=1.0,
        aide=f"plancher de la convention : {PLANCHER_TAUX:.2f} (60 % de réponse), une "
        "valeur plus stricte est permise",
    ),
    Parametre("seuils.occupation_publique", "booleen", defaut=True),
    Parametre("controles.occupants_par_piece", "entier", defaut=3, minimum=1, maximum=20),
    Parametre("controles.marge_occupants", "entier", defaut=3, minimum=0, maximum=50),
    Parametre(
        "traitement.responsable", "texte", aide="le responsable du traitement (en-tête du registre)"
    ),
    Parametre("traitement.finalite", "texte"),
    Parametre("traitement.destinataires", "textes"),
)
VRAI = {"true", "oui", "vrai", "yes", "1"}
FAUX = {"false", "non", "faux", "no", "0"}


class _LecteurYaml(yaml.SafeLoader):
    """YAML as written: dates stay text (checked by the schema, so an impossible date is an
    error naming its key), a key given twice is refused."""

    def construct_mapping(self, node, deep=False):
        vues = set()
        for cle_noeud, _ in node.value:
            cle = self.construct_object(cle_noeud, deep=deep)
            if cle in vues:
                raise ErreurConfiguration(
                    f"clé « {cle} » donnée deux fois (ligne {cle_noeud.start_mark.line + 1})"
                )
            vues.add(cle)
        return super().construct_mapping(node, deep=deep)


_LecteurYaml.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def lire_yaml(chemin: Path) -> dict:
    try:
        d = yaml.load(chemin.read_text(encoding="utf-8"), Loader=_LecteurYaml)  # noqa: S506
    except ErreurConfiguration as exc:
        raise ErreurConfiguration(f"{chemin} : {exc}") from exc
    except yaml.YAMLError as exc:
        ligne = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ErreurConfiguration(
            f"{chemin} : YAML illisible"
            + (f" à la ligne {ligne + 1}" if ligne is not None else "")
            + " (indentation, deux-points ou guillemets ?)"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ErreurConfiguration(f"{chemin} : le fichier doit être enregistré en UTF-8") from exc
    if d is None:
        return {}
    if not isinstance(d, dict):
        raise ErreurConfiguration(
            f"{chemin} : le fichier doit être une liste de clés « clé: valeur »"
        )
    return d


def _convertir(p: Parametre, valeur):
    """The typed value, or raise ValueError with what was expected (in French)."""
    attendu = {
        "texte": "un texte",
        "entier": "un nombre entier",
        "decimal": "un nombre (décimale avec un point : 0.60)",
        "date": "une date AAAA-MM-JJ",
        "booleen": "oui ou non (true / false)",
        "choix": " ou ".join(f"« {c} »" for c in p.choix),
        "textes": "une liste de textes",
    }[p.type]
    if isinstance(valeur, (dict, list)) and p.type != "textes":
        raise ValueError(attendu)
    if p.type == "texte":
        texte = str(valeur).strip()
        if not texte or (p.motif and not re.fullmatch(p.motif, texte)):
            raise ValueError(p.aide or attendu)
        return texte
    if p.type == "entier":
        if isinstance(valeur, bool) or not re.fullmatch(r"[+-]?\d+", str(valeur).strip()):
            raise ValueError(attendu)
        valeur = int(str(valeur).strip())
    elif p.type == "decimal":
        if isinstance(valeur, bool):
            raise ValueError(attendu)
        try:
            valeur = float(str(valeur).strip())
        except ValueError:
            raise ValueError(attendu) from None
        if valeur != valeur or valeur in (float("inf"), float("-inf")):
            raise ValueError(attendu)
    elif p.type == "date":
        try:
            return dt.date.fromisoformat(str(valeur).strip())
        except ValueError:
            raise ValueError(attendu + " qui existe au calendrier") from None
    elif p.type == "booleen":
        if isinstance(valeur, bool):
            return valeur
        texte = str(valeur).strip().lower()
        if texte not in VRAI | FAUX:
            raise ValueError(attendu)
        return texte in VRAI
    elif p.type == "choix":
        if str(valeur).strip().lower() not in p.choix:
            raise ValueError(attendu)
        return str(valeur).strip().lower()
    elif p.type == "textes":
        valeurs = valeur if isinstance(valeur, list) else [valeur]
        if not all(isinstance(v, (str, int, float)) and str(v).strip() for v in valeurs):
            raise ValueError(attendu)
        return [str(v).strip() for v in valeurs]
    if p.minimum is not None and valeur < p.minimum or p.maximum is not None and valeur > p.maximum:
        borne = (
            f"au moins {p.minimum:g}"
            if p.maximum is None
            else f"entre {p.minimum:g} et {p.maximum:g}"
        )
        raise ValueError(f"{attendu} {borne}" + (f" ({p.aide})" if p.aide else ""))
    return valeur


def valider(d: dict, chemin: Path) -> dict[str, object]:
    """Every key of etude.yml checked against SCHEMA: the typed values by key path, or one
    ErreurConfiguration listing every error, each naming its key."""
    erreurs: list[str] = []
    connus = {p.chemin for p in SCHEMA}
    sections = {c.split(".")[0] for c in connus if "." in c}

    def parcourir(noeud: dict, prefixe: str) -> None:
        for cle, valeur in noeud.items():
            nom = f"{prefixe}{cle}"
            if nom in sections:
                if valeur is None:
                    continue
                if not isinstance(valeur, dict):
                    erreurs.append(f"« {nom} » doit être une section (clés indentées en dessous)")
                    continue
                parcourir(valeur, nom + ".")
            elif nom not in connus:
                proches = difflib.get_close_matches(nom, sorted(connus), n=1)
                erreurs.append(
                    f"clé inconnue « {nom} »"
                    + (f" : vouliez-vous dire « {proches[0]} » ?" if proches else "")
                )

    parcourir(d, "")
    valeurs: dict[str, object] = {}
    for p in SCHEMA:
        noeud: object = d
        for morceau in p.chemin.split("."):
            noeud = noeud.get(morceau) if isinstance(noeud, dict) else None
        if noeud is None or (isinstance(noeud, str) and not noeud.strip()):
            if p.obligatoire:
                erreurs.append(f"« {p.chemin} » est obligatoire ({p.aide or p.type})")
            valeurs[p.chemin] = p.defaut
            continue
        try:
            valeurs[p.chemin] = _convertir(p, noeud)
        except ValueError as exc:
            trouve = str(noeud) if not isinstance(noeud, (dict, list)) else type(noeud).__name__
            erreurs.append(f"« {p.chemin} » doit être {exc}, trouvé « {trouve[:60]} »")
    if erreurs:
        raise ErreurConfiguration(
            f"{chemin} : {len(erreurs)} paramètre(s) à corriger :\n"
            + "\n".join(f"  - {e}" for e in erreurs)
        )
    return valeurs


def charger_etude(dossier: Path) -> Etude:
    dossier = Path(dossier)
    chemin = dossier / FICHIER_ETUDE
    if not chemin.exists():
        raise ErreurConfiguration(
            f"{chemin} introuvable : créez l'étude avec « peuplement initialiser {dossier} »"
        )
    d = lire_yaml(chemin)
    v = valider(d, chemin)
    millesime = v["millesime"]
    return Etude(
        dossier=dossier,
        nom=v["etude"],
        code_epci=v["epci.code"],
        libelle_epci=v["epci.libelle"] or v["epci.code"],
        millesime=millesime,
        date_reference=v["date_reference"] or dt.date(millesime, 1, 1),
        operateur=v["operateur"],
        liste_qpv=v["liste_qpv"],
        signature_convention=v["convention.signature"],
        fin_convention=v["convention.fin"],
        prolongation_mois=v["convention.prolongation_mois"],
        effectif_minimum=v["seuils.effectif_minimum"],
        taux_reponse_minimum=v["seuils.taux_reponse_minimum"],
        occupation_publique=v["seuils.occupation_publique"],
        occupants_par_piece=v["controles.occupants_par_piece"],
        marge_occupants=v["controles.marge_occupants"],
        demonstration=v["mode"] == "demonstration",
        responsable=v["traitement.responsable"],
        finalite=v["traitement.finalite"],
        destinataires=v["traitement.destinataires"] or [],
        brut=d,
    )


def variables_secret(etude: Etude) -> dict[str, object]:
    """The study's secrecy settings as dbt variables: a build never runs with other values."""
    return {
        "secret_seuil": etude.effectif_minimum,
        "secret_taux_reponse_minimal": etude.taux_reponse_minimum,
        "secret_occupation_publique": etude.occupation_publique,
    }


def initialiser_etude(
    dossier: Path,
    nom: str = "Étude de peuplement",
    code_epci: str = "000000000",
    libelle_epci: str = "EPCI à renseigner",
    millesime: int = 2022,
    operateur: str = "à renseigner",
    signature: str | None = None,
    fin: str | None = None,
    mode: str = "production",
) -> Path:
    """Create an empty study directory; refuses to overwrite an existing etude.yml.

    Without dates, the convention is taken as signed today and ending on 31 December of next
    year: etude.yml says so, and the analyst sets the real dates."""
    aujourdhui = dt.date.today()
    signature = signature or aujourdhui.isoformat()
    fin = fin or f"{aujourdhui.year + 1}-12-31"
    dossier = Path(dossier)
    chemin = dossier / FICHIER_ETUDE
    if chemin.exists():
        raise ErreurConfiguration(f"{chemin} existe déjà : l'étude est déjà initialisée")
    for sous in ("bailleurs", "referentiels", "entrepot", "exports"):
        (dossier / sous).mkdir(parents=True, exist_ok=True)
    chemin.write_text(
        MODELE_ETUDE.format(
            nom=nom,
            code_epci=code_epci,
            libelle_epci=libelle_epci,
            millesime=millesime,
            signature=signature,
            fin=fin,
            operateur=operateur,
            mode=mode,
        ),
        encoding="utf-8",
    )
    Registre(dossier).ajouter(
        "creation", operateur, {"etude": nom}, "reussi", "création de l'étude"
    )
    return chemin
