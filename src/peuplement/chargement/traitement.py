"""One delivery against what the warehouse holds: unchanged files are kept, files that left
(or all of them, when the mapping file changed) are retired with their rows, new files are
loaded; the source's value mapping and landlord entry are rewritten. `planifier` draws that plan
(reading only), `traiter` carries it out.

May import: the loader's `dictionnaire`, `fichier`, `livraisons`, `rapport`, `session`, and
`peuplement.etude` (`entrepot`, `configuration`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..etude import entrepot
from ..etude.configuration import Etude
from .catalogue import Jeu
from .dictionnaire import Dictionnaire
from .fichier import charger_fichier
from .livraisons import Livraison, sha256_fichier
from .rapport import RapportFichier
from .session import Session, chemin_relatif


@dataclass
class Plan:
    """What a delivery brings against what the warehouse holds, before anything is written."""

    livraison: Livraison
    presents: dict[str, Path]  # sha -> the first file with that content
    retires: list[tuple[str, str, str]]  # (sha, path, mapping sha) of active files to retire
    nouveaux: list[Path]  # files to load, in the delivery's order
    config_modifiee: bool
    rapports: list[RapportFichier]  # files whose content another file of the delivery has


def fichiers_actifs(con: duckdb.DuckDBPyConnection, etude: Etude, livraison: Livraison) -> list:
    """(sha, path, mapping sha) of the source's files the warehouse holds for the millésime."""
    return con.execute(
        "select fichier_sha256, chemin, config_sha256 from raw.fichiers where jeu = ? "
        "and bailleur is not distinct from ? and millesime = ? and actif",
        [livraison.jeu.nom, livraison.bailleur, etude.millesime],
    ).fetchall()


def planifier(etude: Etude, livraison: Livraison, actifs: list) -> Plan:
    """The delivery against the source's active files (`fichiers_actifs`; none in a new
    warehouse). Nothing is written: every delivery's plan can be drawn before the first is
    carried out, each source's files being its own."""
    presents: dict[str, Path] = {}
    rapports: list[RapportFichier] = []
    for chemin in livraison.fichiers:
        sha = sha256_fichier(chemin)
        if sha in presents:
            message = f"contenu identique à {chemin_relatif(etude, presents[sha])} : non rechargé"
            rapports.append(_inchange(etude, livraison, chemin, sha, message))
            continue
        presents[sha] = chemin
    config_modifiee = any(a[2] != livraison.config.empreinte for a in actifs)
    actifs_sha = {a[0] for a in actifs}
    retires = [a for a in actifs if config_modifiee or a[0] not in presents]
    nouveaux = [p for sh, p in presents.items() if config_modifiee or sh not in actifs_sha]
    return Plan(livraison, presents, retires, nouveaux, config_modifiee, rapports)


def _inchange(
    etude: Etude, livraison: Livraison, chemin: Path, sha: str, message: str
) -> RapportFichier:
    jeu, bailleur, rel = livraison.jeu.nom, livraison.bailleur, chemin_relatif(etude, chemin)
    return RapportFichier(rel, jeu, bailleur, "deja_charge", sha256=sha, message=message)


def traiter(s: Session, plan: Plan) -> list[RapportFichier]:
    livraison, presents, nouveaux = plan.livraison, plan.presents, plan.nouveaux
    retires, config_modifiee = plan.retires, plan.config_modifiee
    jeu, bailleur = livraison.jeu, livraison.bailleur
    rapports = list(plan.rapports)
    for sha, chemin_ancien, _ in retires:
        motif = (
            "correspondances modifiées : rechargé"
            if config_modifiee and sha in presents
            else "remplacé par la nouvelle livraison"
            if nouveaux
            else "fichier retiré du dossier"
        )
        retirer(s, jeu, bailleur, sha, motif)
        rapports.append(
            RapportFichier(chemin_ancien, jeu.nom, bailleur, "retire", sha256=sha, message=motif)
        )
    for sha, chemin in presents.items():
        if chemin not in nouveaux:
            rapports.append(_inchange(s.etude, livraison, chemin, sha, "déjà chargé, inchangé"))
    for chemin in livraison.fichiers:
        if chemin not in nouveaux:
            s.progression("", chemin.stat().st_size)
    for chemin in nouveaux:
        sha = next(sh for sh, p in presents.items() if p == chemin)
        s.progression(s.rel(chemin), 0)
        rapport = charger_fichier(s, livraison, chemin, sha)
        s.progression("", chemin.stat().st_size)
        if retires and not config_modifiee:
            anciens = ", ".join(Path(r[1]).name for r in retires)
            rapport.message = f"remplace {anciens}"
        rapports.append(rapport)
    ecrire_correspondances(s, livraison)
    return rapports


def retirer(s: Session, jeu: Jeu, bailleur: str | None, sha: str, motif: str) -> None:
    for table in [jeu.table, *entrepot.TABLES_PAR_FICHIER]:
        s.con.execute(
            f"delete from raw.{table} where fichier_sha256 = ? and bailleur is not distinct from ?",
            [sha, bailleur],
        )
    s.con.execute(
        "update raw.fichiers set actif = false, retire_le = ?, retire_par = ?, "
        "motif_retrait = ? where fichier_sha256 = ? and jeu = ? "
        "and bailleur is not distinct from ? and actif",
        [s.maintenant, s.load_id, motif, sha, jeu.nom, bailleur],
    )


def ecrire_correspondances(s: Session, livraison: Livraison) -> None:
    """The source's value table (built-in, its own, and the spellings read by meaning among
    the values its kept rows hold), and its entry in raw.bailleurs."""
    jeu, bailleur = livraison.jeu, livraison.bailleur
    s.con.execute(
        "delete from raw.correspondances_valeurs where jeu = ? and bailleur is not distinct from ?",
        [jeu.nom, bailleur],
    )
    dico = Dictionnaire(jeu, livraison.config)
    lignes = dico.table_valeurs()
    for champ in (c.nom for c in jeu.champs if c.type == "code"):
        valeurs = s.con.execute(
            f"select distinct {champ} from {entrepot.table_jeu(jeu)} "
            f"where bailleur is not distinct from ? and {champ} is not null",
            [bailleur],
        ).fetchall()
        lignes += dico.interpretations(champ, [v for (v,) in valeurs])
    if lignes:
        s.con.executemany(
            "insert into raw.correspondances_valeurs values (?, ?, ?, ?, ?, ?)",
            [(jeu.nom, bailleur, *ligne) for ligne in lignes],
        )
    if bailleur is not None:
        s.con.execute(
            "insert or replace into raw.bailleurs values (?, ?, ?)",
            [bailleur, livraison.config.libelle or bailleur, f"bailleurs/{bailleur}"],
        )
