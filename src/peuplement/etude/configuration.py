"""A study directory: etude.yml, bailleurs/<CODE>/, referentiels/, entrepot/, exports/."""

from __future__ import annotations

import calendar
import datetime as dt
import os
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
    fin_convention: dt.date | None = None
    prolongation_mois: int = 0
    effectif_minimum: int = 11
    taux_reponse_minimum: float = 0.60
    occupation_publique: bool = True  # occupancy at 1 January is a public register fact (RPLS)
    occupants_par_piece: int = 3
    marge_occupants: int = 3
    demonstration: bool = False  # synthetic data only: the warehouse may stay in clear
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
                "données personnelles n'est permis ; lancez « peuplement purge » ou, si la convention "
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


def _date(valeur, cle: str, chemin: Path) -> dt.date:
    if isinstance(valeur, dt.date):
        return valeur
    try:
        return dt.date.fromisoformat(str(valeur))
    except ValueError as exc:
        raise ErreurConfiguration(
            f"{chemin} : « {cle} » doit être une date AAAA-MM-JJ, trouvé « {valeur} »"
        ) from exc


def charger_etude(dossier: Path) -> Etude:
    dossier = Path(dossier)
    chemin = dossier / FICHIER_ETUDE
    if not chemin.exists():
        raise ErreurConfiguration(
            f"{chemin} introuvable : créez l'étude avec « peuplement init {dossier} »"
        )
    try:
        d = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ErreurConfiguration(f"{chemin} : YAML illisible ({exc})") from exc
    manquantes = [c for c in ("etude", "epci", "millesime", "operateur") if not d.get(c)]
    if manquantes:
        raise ErreurConfiguration(
            f"{chemin} : clé(s) obligatoire(s) absente(s) : {', '.join(manquantes)}"
        )
    epci = d["epci"] if isinstance(d["epci"], dict) else {}
    if not epci.get("code"):
        raise ErreurConfiguration(f"{chemin} : « epci: code: » est obligatoire")
    try:
        millesime = int(d["millesime"])
    except (TypeError, ValueError) as exc:
        raise ErreurConfiguration(f"{chemin} : « millesime » doit être une année") from exc
    convention = d.get("convention") or {}
    seuils = d.get("seuils") or {}
    controles = d.get("controles") or {}
    prolongation = int(convention.get("prolongation_mois") or 0)
    if not 0 <= prolongation <= 12:
        raise ErreurConfiguration(
            f"{chemin} : « prolongation_mois » doit être entre 0 et 12 (convention : 12 mois au plus)"
        )
    return Etude(
        dossier=dossier,
        nom=str(d["etude"]),
        code_epci=str(epci["code"]),
        libelle_epci=str(epci.get("libelle") or epci["code"]),
        millesime=millesime,
        date_reference=_date(
            d.get("date_reference") or f"{millesime}-01-01", "date_reference", chemin
        ),
        operateur=str(d["operateur"]),
        liste_qpv=int(d.get("liste_qpv") or 2015),
        fin_convention=_date(convention["fin"], "convention.fin", chemin)
        if convention.get("fin")
        else None,
        prolongation_mois=prolongation,
        effectif_minimum=int(seuils.get("effectif_minimum", 11)),
        taux_reponse_minimum=float(seuils.get("taux_reponse_minimum", 0.60)),
        occupation_publique=str(seuils.get("occupation_publique", True)).strip().lower()
        not in ("false", "non", "0"),
        occupants_par_piece=int(controles.get("occupants_par_piece", 3)),
        marge_occupants=int(controles.get("marge_occupants", 3)),
        demonstration=str(d.get("mode", "")).strip().lower() == "demonstration",
        brut=d,
    )


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
