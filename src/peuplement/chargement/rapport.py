"""The reconciliation of a load: one report per file (read = loaded + quarantined + skipped),
kept in `raw.rapport_chargement`, and what the processing register says of it.

May import: the loader's `catalogue`, `controles`, `lignes`, `lecture`, `entete`, `session`
and `tables`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from .catalogue import JEUX
from .controles import AVERTISSEMENT, REJET, VIDANTES, q
from .entete import Entete
from .lecture import Feuille
from .lignes import Decoupage
from .livraisons import Livraison
from .session import Session
from .tables import Lot


@dataclass
class RapportFichier:
    fichier: str
    jeu: str
    bailleur: str | None
    statut: str  # charge | deja_charge | retire
    feuille: str | None = None
    sha256: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    quarantaine: dict[str, int] = field(default_factory=dict)
    ignorees: dict[str, int] = field(default_factory=dict)
    avertissements: dict[str, int] = field(default_factory=dict)
    colonnes_ignorees: list[str] = field(default_factory=list)
    message: str = ""
    alertes: list[str] = field(default_factory=list)  # to check by the analyst (on screen)

    def en_dict(self) -> dict:
        return {
            "file": self.fichier,
            "bailleur": self.bailleur,
            "jeu": self.jeu,
            "feuille": self.feuille,
            "statut": self.statut,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "rows_skipped": self.rows_skipped,
            "raisons": self.raisons(),
            "colonnes_ignorees": self.colonnes_ignorees,
            "message": self.message,
        }

    def raisons(self) -> dict[str, dict[str, int]]:
        return {
            "quarantaine": self.quarantaine,
            "ignorees": self.ignorees,
            "avertissements": self.avertissements,
        }


@dataclass
class ResultatChargement:
    load_id: str
    fichiers: list[RapportFichier]
    remarques: list[str]
    alertes: list[str] = field(default_factory=list)  # landlords that lost much (see alertes())


SEUIL_ALERTE = 0.05  # share of a landlord's rows quarantined, or with a variable emptied


def _pourcent(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %".replace(".", ",")


def alertes(s: Session, rapports: list[RapportFichier]) -> list[str]:
    """One French warning per landlord whose files loaded now have more than 5 % of their rows
    quarantined, or with a variable emptied: the main reasons and values, and the command;
    then each file's own warnings (two columns for one field whose values differ)."""
    messages = []
    par_bailleur: dict[str, list[RapportFichier]] = {}
    for r in rapports:
        if r.statut == "charge" and r.bailleur is not None:
            par_bailleur.setdefault(r.bailleur, []).append(r)
    vidantes = ", ".join(q(c) for c in VIDANTES)
    for bailleur, fichiers in par_bailleur.items():
        total = sum(r.rows_loaded + r.rows_quarantined for r in fichiers)
        quarantaine = sum(r.rows_quarantined for r in fichiers)
        condition = f"load_id = ? and bailleur = ? and gravite = ? and code_raison in ({vidantes})"
        videes = s.con.execute(
            f"select count(distinct (fichier_sha256, ligne_source)) from raw.anomalies "
            f"where {condition}",
            [s.load_id, bailleur, AVERTISSEMENT],
        ).fetchone()[0]
        commande = f"peuplement anomalies --etude {s.etude.dossier} --bailleur {bailleur}"
        if total and quarantaine > SEUIL_ALERTE * total:
            motifs = Counter()
            for r in fichiers:
                motifs.update(r.quarantaine)
            principaux = ", ".join(f"{c} {n}" for c, n in motifs.most_common(3))
            messages.append(
                f"{bailleur} : {quarantaine} logement(s) sur {total} "
                f"({_pourcent(quarantaine, total)}) en quarantaine (motifs : {principaux}) ; "
                f"détail et correctifs : {commande}"
            )
        if total and videes > SEUIL_ALERTE * total:
            valeurs = s.con.execute(
                f"select champ, valeur, count(*) from raw.anomalies where {condition} "
                "group by all order by 3 desc, 1, 2 limit 3",
                [s.load_id, bailleur, AVERTISSEMENT],
            ).fetchall()
            exemples = ", ".join(f"« {v} » ({c}, {n} ligne(s))" for c, v, n in valeurs)
            messages.append(
                f"{bailleur} : {videes} logement(s) sur {total} ({_pourcent(videes, total)}) "
                f"ont une variable laissée vide, faute de valeur reconnue (principales : "
                f"{exemples}) ; correspondances à ajouter : {commande}"
            )
    return messages + [a for r in rapports for a in r.alertes]


def rapport_fichier(
    s: Session,
    livraison: Livraison,
    rel: str,
    feuille: Feuille,
    sha: str,
    decoupage: Decoupage,
    entete: Entete,
    batch: Lot,
) -> RapportFichier:
    """The report of a file just deposited (from its batch's `_anomalies`); the skipped rows
    are written to `raw.lignes_ignorees`."""
    con = s.con
    quarantaine = dict(
        batch.executer(
            con,
            f"select code_raison, count(distinct ligne) from _anomalies where gravite = '{REJET}' "
            "group by 1 order by 1",
        ).fetchall()
    )
    avertissements = dict(
        batch.executer(
            con,
            f"select code_raison, count(*) from _anomalies where gravite <> '{REJET}' "
            "group by 1 order by 1",
        ).fetchall()
    )
    nb_quarantaine = batch.executer(
        con, f"select count(distinct ligne) from _anomalies where gravite = '{REJET}'"
    ).fetchone()[0]
    ignorees = dict(sorted(Counter(r for _, r, _ in decoupage.ignorees).items()))
    if decoupage.ignorees:
        con.executemany(
            "insert into raw.lignes_ignorees values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (s.load_id, livraison.jeu.nom, livraison.bailleur, rel, feuille.nom, n, sha, r, ap)
                for n, r, ap in decoupage.ignorees
            ],
        )
    rapport = RapportFichier(
        fichier=rel,
        jeu=livraison.jeu.nom,
        bailleur=livraison.bailleur,
        statut="charge",
        feuille=feuille.nom,
        sha256=sha,
        rows_read=decoupage.lignes_lues,
        rows_loaded=len(decoupage.numeros) - nb_quarantaine,
        rows_quarantined=nb_quarantaine,
        rows_skipped=len(decoupage.ignorees),
        quarantaine=quarantaine,
        ignorees=ignorees,
        avertissements=avertissements,
        colonnes_ignorees=entete.ignorees,
    )
    return rapport


def enregistrer_rapport(s: Session, rapports: list[RapportFichier]) -> None:
    for r in rapports:
        s.con.execute(
            "insert into raw.rapport_chargement values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                s.load_id,
                r.jeu,
                r.bailleur,
                r.fichier,
                r.feuille,
                r.sha256,
                r.statut,
                r.rows_read,
                r.rows_loaded,
                r.rows_quarantined,
                r.rows_skipped,
                sum(r.avertissements.values()),
                json.dumps(r.raisons(), ensure_ascii=False),
                json.dumps(r.colonnes_ignorees, ensure_ascii=False),
                r.message,
            ],
        )


def donnees_registre(load_id: str, rapports: list[RapportFichier]) -> dict:
    """What the register says of a load: files (with hashes) and counts, no personal data."""
    return {
        "load_id": load_id,
        "tables": sorted({f"raw.{JEUX[r.jeu].table}" for r in rapports}),
        "fichiers": [
            {
                "fichier": r.fichier,
                "sha256": r.sha256,
                "statut": r.statut,
                "lignes_lues": r.rows_read,
                "lignes_chargees": r.rows_loaded,
                "lignes_quarantaine": r.rows_quarantined,
            }
            for r in rapports
        ],
    }
