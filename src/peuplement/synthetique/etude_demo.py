"""Write a complete synthetic study: etude.yml, landlords' files, RPLS and geography."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import yaml
from rich.console import Console

from ..erreurs import ErreurConfiguration
from ..etude.configuration import FICHIER_CORRESPONDANCES, FICHIER_ETUDE, initialiser_etude
from . import geographie
from .bailleurs import FORMATS_ID, PROFILS, RENDUS, Profil, canoniques
from .contours import ecrire_contours
from .ecrivains import ecrire_csv, ecrire_ods, ecrire_xlsx
from .population import generer

MANIFESTE = "synthese.json"
COMMENTAIRES = """# Commentaires de l'analyste (étude de démonstration)

## Synthèse
Étude de démonstration : tous les chiffres de ce rapport sont synthétiques. Dans une vraie étude,
l'analyste écrit ici, dans le fichier commentaires.md à la racine de l'étude, ce que les chiffres
clés disent du peuplement du parc social de l'EPCI.

## QPV
Exemple de commentaire : comparer la part des ménages très modestes et des familles
monoparentales en QPV et hors QPV, au regard des objectifs d'attribution de la convention
intercommunale d'attribution.

## Emménagés récents
Exemple de commentaire : les emménagés récents montrent l'effet des attributions des deux
dernières années sur l'occupation du parc.

## Conclusion
Exemple de conclusion : les enjeux de peuplement retenus par la CIL, et les secteurs à suivre.
"""
LIGNES_PAR_FICHIER = 200_000
LIGNES_PAR_FICHIER_RPLS = 500_000
COLONNES_RPLS = (
    "REG_CODE;REG_LIBELLE;LIBREG;DEP_CODE;DEP_LIBELLE;LIBDEP;EPCI_CODE;EPCI_LIBELLE;LIBEPCI;"
    "DROIT_CODE;DROIT_LIBELLE;DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;ETAGE;"
    "COMPLGEO;LIEUDIT;QPV_CODE;QPV_LIBELLE;TYPECONST_CODE;TYPECONST_LIBELLE;NBPIECE;SURFHAB;"
    "CONSTRUCT;LOCAT;PATRIMOINE;ORIGINE;FINAN_CODE;FINAN_LIBELLE;FINANAUTRE;CONV;NUMCONV;DATCONV;"
    "NEWLOGT_CODE;NEWLOGT_LIBELLE;CUS;DPEDATE;DPEENERGIE;DPESERRE;SRU_EXPIR;SRU_ALINEA;"
    "CODSEGPATRIM;LIBSEGPATRIM;PMR_CODE;PMR_LIBELLE;PLG_VOIE;EPSG;X;Y;PLG_QP24;PLG_QP15;"
    "PLG_IRIS2024_CODE;PLG_IRIS2024_LIBELLE;PLG_ZUS;PLG_QVA;QUALITE_VOIE;QUALITE_NUMERO;"
    "QUALITE_XY;DISTANCE_PRECISION;QUALITE_QP24;QUALITE_QP15;QUALITE_IRIS;QUALITE_ZUS;"
    "QUALITE_QVA;COMAQP;COMAZUS;UU2020;AAV2020;ZE2020"
).split(";")


def _bailleurs(logements: int, nombre: int | None = None) -> list[Profil]:
    """Five landlords by default, more at large sizes (national: many landlords, many files);
    or `nombre` of them: the first ones of the five profiles, or the five repeated."""
    if nombre is None:
        nombre = max(len(PROFILS), math.ceil(logements / 150_000))
    if nombre <= len(PROFILS):
        return list(PROFILS[:nombre])
    return [
        Profil(f"{p.code}_{k // len(PROFILS) + 1:03d}", p.libelle, p.format, p.taux_reponse, 1.0)
        for k, p in ((k, PROFILS[k % len(PROFILS)]) for k in range(nombre))
    ]


def _preparer(dossier: Path, force: bool) -> None:
    if dossier.exists() and any(dossier.iterdir()):
        if not force:
            raise ErreurConfiguration(
                f"{dossier} existe et n'est pas vide (--force pour le remplacer)"
            )
        if not (dossier / MANIFESTE).exists():
            raise ErreurConfiguration(
                f"{dossier} n'est pas une étude de démonstration ({MANIFESTE} absent) : "
                "refus de l'écraser"
            )
        shutil.rmtree(dossier)


def ecrire_etude_demo(
    dossier: Path,
    logements: int = 20_000,
    graine: int = 2022,
    force: bool = False,
    console: Console | None = None,
    communes: int | None = None,
    bailleurs: int | None = None,
) -> str:
    """`communes` and `bailleurs` change the shape of the EPCI (default: its 14 real communes,
    five landlords, more landlords from 750,000 dwellings)."""
    dossier = Path(dossier)
    console = console or Console(stderr=True)
    if communes is not None and not 1 <= communes <= geographie.COMMUNES_MAX:
        raise ErreurConfiguration(
            f"--communes {communes} : attendu un nombre de communes entre 1 et "
            f"{geographie.COMMUNES_MAX}"
        )
    if bailleurs is not None and bailleurs < 1:
        raise ErreurConfiguration(f"--bailleurs {bailleurs} : attendu au moins un bailleur")
    _preparer(dossier, force)
    rng = np.random.default_rng(graine)
    geo = geographie.construire(logements, rng, communes)
    profils = _bailleurs(logements, bailleurs)
    parts = np.array([p.part for p in profils])
    taux = np.array([p.taux_reponse for p in profils])
    with console.status(f"Génération de {logements:,} logements synthétiques".replace(",", " ")):
        parc = generer(logements, geo, parts, taux, rng)
    initialiser_etude(
        dossier,
        nom="Étude de peuplement – démonstration synthétique",
        code_epci=geographie.CODE_EPCI,
        libelle_epci=geographie.LIBELLE_EPCI,
        millesime=2022,
        operateur="Analyste de démonstration",
        signature="2026-07-01",
        fin="2027-12-31",
        mode="demonstration",
    )
    manifeste: dict = {
        "logements": logements,
        "graine": graine,
        "communes": len(geo.communes),
        "bailleurs": len(profils),
        "fichiers": [],
    }
    codes_communes = [c[0] for c in geo.communes]
    for b, profil in enumerate(profils):
        _ecrire_bailleur(dossier, b, profil, parc, codes_communes, rng, manifeste, console)
    _ecrire_referentiels(dossier, geo, parc, manifeste)
    manifeste["contours"] = [
        str(p.relative_to(dossier)) for p in ecrire_contours(dossier / "referentiels", geo, graine)
    ]
    (dossier / MANIFESTE).write_text(
        json.dumps(manifeste, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (dossier / "commentaires.md").write_text(COMMENTAIRES, encoding="utf-8")  # report example
    return (
        f"Étude synthétique écrite dans {dossier} : {logements} logements, "
        f"{len(geo.communes)} communes, {len(profils)} bailleurs, {len(manifeste['fichiers'])} fichiers bailleurs "
        f"(voir {dossier / FICHIER_ETUDE})."
    )


def _ecrire_bailleur(
    dossier: Path,
    b: int,
    profil: Profil,
    parc,
    codes_communes,
    rng,
    manifeste: dict,
    console: Console,
) -> None:
    base = profil.code.split("_")[0]
    idx = np.nonzero((parc.bailleur == b) & parc.dans_ops)[0]
    idx = idx[np.argsort(parc.programme[idx], kind="stable")]
    if len(idx) < 50:
        return
    rep = dossier / "bailleurs" / profil.code
    rep.mkdir(parents=True, exist_ok=True)
    morceaux = np.array_split(idx, math.ceil(len(idx) / LIGNES_PAR_FICHIER))
    for k, morceau in enumerate(morceaux):
        ids = [
            FORMATS_ID[base].format(i + 1)
            for i in range(k * LIGNES_PAR_FICHIER, k * LIGNES_PAR_FICHIER + len(morceau))
        ]
        rendu = RENDUS[base](canoniques(parc, morceau, codes_communes), ids, rng)
        suffixe = f"_{k + 1:02d}" if len(morceaux) > 1 else ""
        chemin = _ecrire_fichier(
            rep, f"ops_2022_{profil.code.lower()}{suffixe}", profil.format, rendu.feuilles
        )
        for p in rendu.plantes:
            if "studio_rpls" in p:  # make the RPLS say that this dwelling is a studio
                parc.nbpiece[np.nonzero(parc.id_rpls == p["studio_rpls"])[0]] = 1
        feuille_donnees = max(rendu.feuilles, key=lambda n: len(rendu.feuilles[n]))
        manifeste["fichiers"].append(
            {
                "chemin": str(chemin.relative_to(dossier)),
                "bailleur": profil.code,
                "lignes_physiques": len(rendu.feuilles[feuille_donnees]),
                "lignes_donnees": rendu.lignes_donnees,
                "plantes": rendu.plantes,
            }
        )
        if rendu.correspondances:
            (rep / FICHIER_CORRESPONDANCES).write_text(
                "# Correspondances propres à ce bailleur (en-têtes et libellés non standard)\n"
                + yaml.safe_dump(rendu.correspondances, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
        console.print(f"{chemin.relative_to(dossier)} : {len(morceau)} logements", highlight=False)


def _ecrire_fichier(rep: Path, nom: str, format_: str, feuilles: dict) -> Path:
    if format_.startswith("xlsx"):
        chemin = rep / f"{nom}.xlsx"
        ecrire_xlsx(chemin, feuilles)
    elif format_ == "ods":
        chemin = rep / f"{nom}.ods"
        ecrire_ods(chemin, feuilles)
    elif format_ == "csv_utf8":
        chemin = rep / f"{nom}.csv"
        ecrire_csv(chemin, next(iter(feuilles.values())), ",", "utf-8")
    else:
        chemin = rep / f"{nom}.csv"
        ecrire_csv(chemin, next(iter(feuilles.values())), ";", "latin-1", virgule_decimale=True)
    return chemin


def _ecrire_referentiels(dossier: Path, geo, parc, manifeste: dict) -> None:
    ref = dossier / "referentiels"
    ecrire_csv(
        ref / "communes.csv",
        [["code commune", "libellé commune", "code EPCI", "libellé EPCI"]]
        + [[c, n, geographie.CODE_EPCI, geographie.LIBELLE_EPCI] for c, n in geo.communes],
        ";",
    )
    ecrire_csv(
        ref / "iris.csv",
        [["code IRIS", "libellé IRIS", "code commune"]] + [list(i) for i in geo.iris],
        ";",
    )
    ecrire_csv(
        ref / "qpv.csv",
        [["code QPV", "libellé QPV", "code commune", "liste"]] + [[*q, "2015"] for q in geo.qpv],
        ";",
    )
    ecrire_csv(
        ref / "quartiers.csv",
        [["code IRIS", "code quartier", "libellé quartier"]] + [list(q) for q in geo.quartiers],
        ";",
    )
    # Like the open data (published by region), a large RPLS comes as several files; each is
    # built and written on its own, so that memory holds one file's rows, not the country's.
    n = parc.n
    nb_fichiers = math.ceil(n / LIGNES_PAR_FICHIER_RPLS)
    fichiers = []
    con = duckdb.connect()
    for k in range(nb_fichiers):
        suffixe = f"_{k + 1:02d}" if nb_fichiers > 1 else ""
        chemin = ref / f"rpls_2022{suffixe}.csv"
        tranche = slice(k * LIGNES_PAR_FICHIER_RPLS, min(n, (k + 1) * LIGNES_PAR_FICHIER_RPLS))
        con.register("rpls", _table_rpls(geo, parc, tranche))
        con.execute(f"copy rpls to '{chemin}' (header, delimiter ';')")
        con.unregister("rpls")
        fichiers.append(str(chemin.relative_to(dossier)))
    con.close()
    manifeste["rpls"] = {"fichiers": fichiers, "lignes": n}


def _table_rpls(geo, parc, tranche: slice) -> pa.Table:
    """The RPLS rows of the dwellings in `tranche`, in the open data's columns."""
    iris_idx, commune_idx, qpv_idx = parc.iris[tranche], parc.commune[tranche], parc.qpv[tranche]
    n = len(iris_idx)
    vide = pa.nulls(n, pa.string())
    iris = np.array([i[0] for i in geo.iris], dtype=object)[iris_idx]
    qp15 = np.where(
        qpv_idx >= 0, np.array([q[0] for q in geo.qpv] + [""], dtype=object)[qpv_idx], "HZ"
    )
    communes = np.array([c[0] for c in geo.communes], dtype=object)[commune_idx]
    libcom = np.array([c[1] for c in geo.communes], dtype=object)[commune_idx]
    valeurs = {
        "IDENTIFIANT_RPLS": parc.id_rpls[tranche].astype(object),
        "REG_CODE": np.full(n, "32", dtype=object),
        "REG_LIBELLE": np.full(n, "Hauts-de-France", dtype=object),
        "DEP_CODE": np.full(n, "62", dtype=object),
        "DEP_LIBELLE": np.full(n, "Pas-de-Calais", dtype=object),
        "EPCI_CODE": np.full(n, geographie.CODE_EPCI, dtype=object),
        "EPCI_LIBELLE": np.full(n, geographie.LIBELLE_EPCI, dtype=object),
        "DEPCOM": communes,
        "LIBCOM": libcom,
        "QPV_CODE": np.where(qp15 == "HZ", "", np.char.replace(qp15.astype(str), "QP", "QN")),
        "TYPECONST_CODE": parc.typeconst[tranche].astype(object),
        "NBPIECE": parc.nbpiece[tranche].astype(str).astype(object),
        "SURFHAB": parc.surfhab[tranche].astype(str).astype(object),
        "CONSTRUCT": parc.construct[tranche].astype(str).astype(object),
        "FINAN_CODE": parc.finan[tranche].astype(object),
        "CODSEGPATRIM": np.char.add("P", parc.programme[tranche].astype(str)).astype(object),
        "PLG_QP24": np.where(qp15 == "HZ", "HZ", np.char.replace(qp15.astype(str), "QP", "QN")),
        "PLG_QP15": qp15,
        "PLG_IRIS2024_CODE": iris,
    }
    return pa.table(
        {
            nom: pa.array(valeurs[nom].tolist(), pa.string()) if nom in valeurs else vide
            for nom in ["IDENTIFIANT_RPLS", *COLONNES_RPLS]
        }
    )
