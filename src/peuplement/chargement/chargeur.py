"""`peuplement load`: every new file of a study into DuckDB, in one transaction, nothing lost.

A delivery is what one source sent for the millésime: the data files of one landlord's folder,
or the files of one reference dataset. When a delivery's set of files (or its mapping file)
changes, the files that left are retired with their rows, and the new ones are loaded.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..erreurs import ErreurConvention, ErreurFichier
from ..etude import entrepot
from ..etude.configuration import Etude
from ..protection.registre import Registre
from ..protection.transmission import EXTENSION as EXTENSION_AGE
from ..protection.transmission import dechiffrer, nom_clair
from .catalogue import JEUX, OPS, Jeu
from .controles import REJET, Contexte, colonnes_typees, q, requete_anomalies
from .dictionnaire import Dictionnaire
from .entete import Entete, champs_manquants, detecter_entete, verifier_entete
from .lecture import Feuille, lire_fichier
from .lignes import decouper
from .livraisons import Livraison, lister_livraisons, sha256_fichier


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
            "raisons": {
                "quarantaine": self.quarantaine,
                "ignorees": self.ignorees,
                "avertissements": self.avertissements,
            },
            "colonnes_ignorees": self.colonnes_ignorees,
            "message": self.message,
        }


@dataclass
class ResultatChargement:
    load_id: str
    fichiers: list[RapportFichier]
    remarques: list[str]


class Chargeur:
    def __init__(
        self,
        etude: Etude,
        con: duckdb.DuckDBPyConnection,
        load_id: str,
        progression: Callable[[str, int], None] | None = None,
    ):
        self.etude = etude
        self.con = con
        self.load_id = load_id
        self.maintenant = dt.datetime.now().replace(microsecond=0)
        self.progression = progression or (lambda _nom, _octets: None)  # (file, bytes done)

    # -- deliveries ------------------------------------------------------------------------
    def traiter(self, livraison: Livraison) -> list[RapportFichier]:
        con, jeu, bailleur = self.con, livraison.jeu, livraison.bailleur
        actifs = con.execute(
            "select fichier_sha256, chemin, config_sha256 from raw.fichiers where jeu = ? "
            "and bailleur is not distinct from ? and millesime = ? and actif",
            [jeu.nom, bailleur, self.etude.millesime],
        ).fetchall()
        presents: dict[str, Path] = {}
        rapports: list[RapportFichier] = []

        def inchange(chemin: Path, sha: str, message: str) -> RapportFichier:
            return RapportFichier(
                self._rel(chemin), jeu.nom, bailleur, "deja_charge", sha256=sha, message=message
            )

        for chemin in livraison.fichiers:
            sha = sha256_fichier(chemin)
            if sha in presents:
                message = f"contenu identique à {self._rel(presents[sha])} : non rechargé"
                rapports.append(inchange(chemin, sha, message))
                continue
            presents[sha] = chemin
        config_modifiee = any(a[2] != livraison.config.empreinte for a in actifs)
        actifs_sha = {a[0] for a in actifs}
        retires = [a for a in actifs if config_modifiee or a[0] not in presents]
        nouveaux = [p for s, p in presents.items() if config_modifiee or s not in actifs_sha]
        for sha, chemin_ancien, _ in retires:
            motif = (
                "correspondances modifiées : rechargé"
                if config_modifiee and sha in presents
                else "remplacé par la nouvelle livraison"
                if nouveaux
                else "fichier retiré du dossier"
            )
            self._retirer(jeu, bailleur, sha, motif)
            rapports.append(
                RapportFichier(
                    chemin_ancien, jeu.nom, bailleur, "retire", sha256=sha, message=motif
                )
            )
        self._ecrire_correspondances(livraison)
        for sha, chemin in presents.items():
            if chemin not in nouveaux:
                rapports.append(inchange(chemin, sha, "déjà chargé, inchangé"))
        for chemin in livraison.fichiers:
            if chemin not in nouveaux:
                self.progression("", chemin.stat().st_size)
        for chemin in nouveaux:
            sha = next(s for s, p in presents.items() if p == chemin)
            self.progression(self._rel(chemin), 0)
            rapport = self.charger_fichier(livraison, chemin, sha)
            self.progression("", chemin.stat().st_size)
            if retires and not config_modifiee:
                anciens = ", ".join(Path(r[1]).name for r in retires)
                rapport.message = f"remplace {anciens}"
            rapports.append(rapport)
        return rapports

    def _rel(self, chemin: Path) -> str:
        try:
            return str(chemin.relative_to(self.etude.dossier))
        except ValueError:
            return str(chemin)

    def _retirer(self, jeu: Jeu, bailleur: str | None, sha: str, motif: str) -> None:
        cible = [jeu.table] + list(entrepot.TABLES_PAR_FICHIER)
        for table in cible:
            self.con.execute(
                f"delete from raw.{table} where fichier_sha256 = ? "
                "and bailleur is not distinct from ?",
                [sha, bailleur],
            )
        self.con.execute(
            "update raw.fichiers set actif = false, retire_le = ?, retire_par = ?, "
            "motif_retrait = ? where fichier_sha256 = ? and jeu = ? "
            "and bailleur is not distinct from ? and actif",
            [self.maintenant, self.load_id, motif, sha, jeu.nom, bailleur],
        )

    def _ecrire_correspondances(self, livraison: Livraison) -> None:
        jeu, bailleur = livraison.jeu, livraison.bailleur
        self.con.execute(
            "delete from raw.correspondances_valeurs where jeu = ? "
            "and bailleur is not distinct from ?",
            [jeu.nom, bailleur],
        )
        lignes = Dictionnaire(jeu, livraison.config).table_valeurs()
        if lignes:
            self.con.executemany(
                "insert into raw.correspondances_valeurs values (?, ?, ?, ?, ?, ?)",
                [(jeu.nom, bailleur, *ligne) for ligne in lignes],
            )
        if bailleur is not None:
            self.con.execute(
                "insert or replace into raw.bailleurs values (?, ?, ?)",
                [bailleur, livraison.config.libelle or bailleur, f"bailleurs/{bailleur}"],
            )

    # -- one file --------------------------------------------------------------------------
    def charger_fichier(self, livraison: Livraison, chemin: Path, sha: str) -> RapportFichier:
        jeu = livraison.jeu
        rel = self._rel(chemin)
        dico = Dictionnaire(jeu, livraison.config)
        if chemin.suffix.lower() == EXTENSION_AGE:  # decrypted in memory, never written in clear
            contenu = dechiffrer(self.etude, chemin, rel)
            feuilles = lire_fichier(nom_clair(chemin), livraison.config, contenu, nom=rel)
        else:
            feuilles = lire_fichier(chemin, livraison.config, nom=rel)
        feuille, entete, autres = self._choisir_feuille(rel, feuilles, dico, livraison)
        ou = rel + (f", feuille « {feuille.nom} »" if feuille.nom else "")
        numero_entete = (feuille.numeros or [0] * len(feuille.lignes))[entete.index] or (
            feuille.premiere_ligne + entete.index
        )
        verifier_entete(entete, dico, ou, livraison.fichier_config, numero_entete)
        decoupage = decouper(feuille, entete)
        if not decoupage.numeros:
            raise ErreurFichier(ou, "aucune ligne de données sous l'en-tête (feuille vide ?)")
        colonnes = {"ligne": pa.array(decoupage.numeros, type=pa.int32())}
        nb = len(decoupage.numeros)
        for champ in jeu.champs:
            valeurs = decoupage.colonnes.get(champ.nom, [None] * nb)
            colonnes[champ.nom] = pa.array(valeurs, pa.string())
            if champ.type == "code":
                colonnes[f"c__{champ.nom}"] = dico.coder(champ.nom, colonnes[champ.nom])
        self._deposer(pa.table(colonnes), livraison, dico, entete, rel, feuille, sha)
        rapport = self._rapport(livraison, rel, feuille, sha, decoupage, entete)
        self._ecrire_fichier(livraison, chemin, rel, feuille, sha)
        if autres:
            rapport.message = f"feuille(s) sans données ignorée(s) : {', '.join(autres)}"
        return rapport

    def _choisir_feuille(
        self, rel: str, feuilles: list[Feuille], dico: Dictionnaire, livraison: Livraison
    ) -> tuple[Feuille, Entete, list[str]]:
        noms = [f.nom for f in feuilles]
        if livraison.config.feuille:
            for f in feuilles:
                if f.nom == livraison.config.feuille:
                    entete = detecter_entete(f.lignes, dico)
                    if entete is None:
                        raise ErreurFichier(
                            f"{rel}, feuille « {f.nom} »", self._sans_entete(f, dico)
                        )
                    return f, entete, []
            raise ErreurFichier(
                rel,
                f"feuille « {livraison.config.feuille} » (déclarée dans "
                f"{livraison.fichier_config}) introuvable ; feuilles : {noms}",
            )
        if all(not f.lignes for f in feuilles):
            raise ErreurFichier(rel, "le fichier ne contient aucune donnée (feuilles vides)")
        analyses = [(f, detecter_entete(f.lignes, dico)) for f in feuilles]
        trouvees = [(f, e) for f, e in analyses if e is not None]
        completes = [(f, e) for f, e in trouvees if not champs_manquants(e, dico)]
        if len(completes) > 1:
            raise ErreurFichier(
                rel,
                "plusieurs feuilles contiennent un tableau de logements : "
                + ", ".join(f"« {f.nom} »" for f, _ in completes)
                + f" ; indiquez laquelle charger dans {livraison.fichier_config} (feuille: ...)",
            )
        if completes:
            f, e = completes[0]
            return f, e, [x.nom for x in feuilles if x is not f and x.nom]
        if trouvees:
            f, e = max(trouvees, key=lambda fe: len(fe[1].champs))
            return f, e, []  # verifier_entete will name the missing columns
        f = next(x for x in feuilles if x.lignes)
        raise ErreurFichier(
            rel + (f", feuille « {f.nom} »" if f.nom else ""), self._sans_entete(f, dico)
        )

    @staticmethod
    def _sans_entete(f: Feuille, dico: Dictionnaire) -> str:
        apercu = [str(c) for c in (f.lignes[0] if f.lignes else []) if c not in ("", None)][:8]
        return (
            f"en-tête introuvable : aucune des {min(len(f.lignes), 50)} premières lignes ne "
            f"contient au moins deux en-têtes reconnus pour un {dico.jeu.libelle} "
            f"(première ligne : {apercu}) ; vérifiez le fichier ou déclarez ses colonnes "
            "dans correspondances.yml"
        )

    def _deposer(
        self,
        lot: pa.Table,
        livraison: Livraison,
        dico: Dictionnaire,
        entete: Entete,
        rel: str,
        feuille: Feuille,
        sha: str,
    ) -> None:
        con, jeu = self.con, livraison.jeu
        con.execute("drop table if exists _lot")
        con.execute("drop table if exists _anomalies")
        con.register("_lot_arrow", lot)
        con.execute(f"create temp table _lot as select *, {colonnes_typees(jeu)} from _lot_arrow")
        con.unregister("_lot_arrow")
        rpls = con.execute("select count(*) from raw.rpls_logements").fetchone()[0] > 0
        autres = None
        if con.execute(
            f"select count(*) from {entrepot.table_jeu(jeu)} where bailleur is not distinct from ?",
            [livraison.bailleur],
        ).fetchone()[0]:
            filtre = "is null" if livraison.bailleur is None else f"= {q(livraison.bailleur)}"
            autres = (
                f"select {jeu.cle}, fichier, ligne_source from {entrepot.table_jeu(jeu)} "
                f"where bailleur {filtre}"
            )
        ctx = Contexte(
            jeu=jeu,
            libelles={c: entete.libelles[c] for c in entete.champs},
            fichier_config=livraison.fichier_config,
            date_reference=self.etude.date_reference.isoformat(),
            occupants_par_piece=self.etude.occupants_par_piece,
            marge_occupants=self.etude.marge_occupants,
            rpls_disponible=rpls and jeu is OPS,
            autres_lignes=autres,
        )
        con.execute(f"create temp table _anomalies as {requete_anomalies(ctx)}")
        lignage = [self.load_id, livraison.bailleur, rel, feuille.nom, sha]
        contenu = ", ".join(f"'{c}': l.{c}" for c in ["ligne", *jeu.noms])
        champs = ", ".join(jeu.noms)
        con.execute(
            f"insert into {entrepot.table_jeu(jeu)} (load_id, bailleur, fichier, feuille, "
            f"ligne_source, fichier_sha256, millesime, charge_le, {champs}) "
            f"select ?, ?, ?, ?, ligne, ?, ?, ?, {champs} from _lot l where not exists "
            f"(select 1 from _anomalies a where a.ligne = l.ligne and a.gravite = '{REJET}')",
            [*lignage, self.etude.millesime, self.maintenant],
        )
        con.execute(
            "insert into raw.quarantaine select ?, ?, ?, ?, ?, l.ligne, ?, a.raisons, a.messages, "
            f"to_json({{{contenu}}}) from _lot l join (select ligne, string_agg(distinct code_raison, ',' "
            "order by code_raison) as raisons, string_agg(message, ' ; ' order by code_raison) "
            f"as messages from _anomalies where gravite = '{REJET}' group by ligne) a "
            "on a.ligne = l.ligne order by l.ligne",
            [self.load_id, jeu.nom, livraison.bailleur, rel, feuille.nom, sha],
        )
        con.execute(
            "insert into raw.anomalies select ?, ?, ?, ?, ?, ligne, ?, gravite, code_raison, "
            "champ, colonne_source, valeur, message from _anomalies order by ligne, code_raison",
            [self.load_id, jeu.nom, livraison.bailleur, rel, feuille.nom, sha],
        )

    def _rapport(
        self, livraison: Livraison, rel: str, feuille: Feuille, sha: str, decoupage, entete: Entete
    ) -> RapportFichier:
        con = self.con
        quarantaine = dict(
            con.execute(
                f"select code_raison, count(distinct ligne) from _anomalies where gravite = '{REJET}' "
                "group by 1 order by 1"
            ).fetchall()
        )
        avertissements = dict(
            con.execute(
                f"select code_raison, count(*) from _anomalies where gravite <> '{REJET}' "
                "group by 1 order by 1"
            ).fetchall()
        )
        nb_quarantaine = con.execute(
            f"select count(distinct ligne) from _anomalies where gravite = '{REJET}'"
        ).fetchone()[0]
        ignorees = dict(sorted(Counter(r for _, r, _ in decoupage.ignorees).items()))
        if decoupage.ignorees:
            con.executemany(
                "insert into raw.lignes_ignorees values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        self.load_id,
                        livraison.jeu.nom,
                        livraison.bailleur,
                        rel,
                        feuille.nom,
                        n,
                        sha,
                        r,
                        apercu,
                    )
                    for n, r, apercu in decoupage.ignorees
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
        for table in ("_lot", "_anomalies"):
            con.execute(f"drop table if exists {table}")
        return rapport

    def _ecrire_fichier(
        self, livraison: Livraison, chemin: Path, rel: str, feuille: Feuille, sha: str
    ) -> None:
        self.con.execute(
            "insert into raw.fichiers values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, "
            "null, null, null)",
            [
                sha,
                livraison.jeu.nom,
                livraison.bailleur,
                rel,
                chemin.name,
                feuille.nom,
                self.etude.millesime,
                chemin.stat().st_size,
                feuille.encodage,
                feuille.separateur,
                livraison.config.empreinte,
                self.load_id,
                self.maintenant,
            ],
        )

    def enregistrer_rapport(self, rapports: list[RapportFichier]) -> None:
        for r in rapports:
            self.con.execute(
                "insert into raw.rapport_chargement values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.load_id,
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
                    json.dumps(
                        {
                            "quarantaine": r.quarantaine,
                            "ignorees": r.ignorees,
                            "avertissements": r.avertissements,
                        },
                        ensure_ascii=False,
                    ),
                    json.dumps(r.colonnes_ignorees, ensure_ascii=False),
                    r.message,
                ],
            )


def nouvel_identifiant() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def charger(
    etude: Etude,
    operateur: str | None = None,
    progression: Callable[[str, int], None] | None = None,
    aujourdhui: dt.date | None = None,
) -> ResultatChargement:
    """Load every new file of the study; all or nothing; recorded in the processing register.

    `progression(file, bytes)` is told each file it starts (with 0) and the size of each file
    done (with an empty name); `total_octets(etude)` is the sum of these sizes."""
    operateur = operateur or etude.operateur
    registre = Registre(etude.dossier)
    try:
        alerte = etude.verifier_convention(aujourdhui)
    except ErreurConvention as exc:
        registre.ajouter("chargement", operateur, {}, "refuse", str(exc))
        raise
    remarques: list[str] = [alerte] if alerte else []
    load_id = nouvel_identifiant()
    debut = dt.datetime.now().replace(microsecond=0)
    con = None
    try:
        livraisons = lister_livraisons(etude, remarques)  # mapping errors surface before any write
        con = entrepot.ouvrir_etude(etude)
        con.execute("begin transaction")
        chargeur = Chargeur(etude, con, load_id, progression)
        rapports: list[RapportFichier] = []
        for livraison in livraisons:
            rapports.extend(chargeur.traiter(livraison))
        chargeur.enregistrer_rapport(rapports)
        entrepot.enregistrer_parametres(con, etude)
        con.execute(
            "insert into raw.chargements values (?, ?, ?, ?, ?, 'load', 'reussi', ?)",
            [
                load_id,
                debut,
                dt.datetime.now().replace(microsecond=0),
                operateur,
                etude.nom,
                f"{sum(r.statut == 'charge' for r in rapports)} fichier(s) chargé(s)",
            ],
        )
        con.execute("commit")
    except BaseException as exc:
        if con is not None:
            con.execute("rollback")
            con.execute(
                "insert into raw.chargements values (?, ?, ?, ?, ?, 'load', 'echec', ?)",
                [
                    load_id,
                    debut,
                    dt.datetime.now().replace(microsecond=0),
                    operateur,
                    etude.nom,
                    str(exc)[:2000],
                ],
            )
            con.close()
        registre.ajouter("chargement", operateur, {"load_id": load_id}, "echec", str(exc)[:2000])
        raise
    con.close()
    registre.ajouter(
        "chargement",
        operateur,
        donnees_registre(load_id, rapports),
        "reussi",
        f"{sum(r.rows_loaded for r in rapports)} lignes chargées",
    )
    return ResultatChargement(load_id, rapports, remarques)


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
