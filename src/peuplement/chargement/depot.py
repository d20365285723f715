"""Deposit one file's rows into `raw`: the batch `_lot` with its typed columns, its row checks
`_anomalies` (Arrow tables, see `tables`), then valid rows to the dataset's table, rejected
rows to `raw.quarantaine`, every anomaly to `raw.anomalies`, and the file to `raw.fichiers`.

May import: the loader's `catalogue`, `controles`, `dictionnaire`, `entete`, `geographie`,
`lecture`, `livraisons`, `session`, `tables`, and `peuplement.etude.entrepot`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..etude import entrepot
from .catalogue import OPS, Jeu
from .controles import (
    AVERTISSEMENT,
    REJET,
    VIDANTES,
    Contexte,
    expression_typee,
    q,
    requete_anomalies,
    typee,
)
from .dictionnaire import Dictionnaire
from .entete import Entete
from .geographie import controler_communes, resoudre_communes
from .lecture import Feuille
from .lignes import Decoupage
from .livraisons import Livraison
from .session import Session
from .tables import Lot


def lot_arrow(livraison: Livraison, dico: Dictionnaire, decoupage: Decoupage) -> pa.Table:
    """The rows as text columns (one per canonical field), plus c__<field> codes."""
    colonnes = {"ligne": pa.array(decoupage.numeros, type=pa.int32())}
    nb = len(decoupage.numeros)
    for champ in livraison.jeu.champs:
        colonnes[champ.nom] = decoupage.colonnes.get(champ.nom, pa.nulls(nb, pa.string()))
        if champ.type == "code":
            colonnes[f"c__{champ.nom}"] = dico.coder(champ.nom, colonnes[champ.nom])
    return pa.table(colonnes)


def _autres_lignes(s: Session, livraison: Livraison) -> str | None:
    """SQL of the rows the same source already has in raw (from its other files), if any."""
    jeu = livraison.jeu
    if not s.con.execute(
        f"select count(*) from {entrepot.table_jeu(jeu)} where bailleur is not distinct from ?",
        [livraison.bailleur],
    ).fetchone()[0]:
        return None
    filtre = "is null" if livraison.bailleur is None else f"= {q(livraison.bailleur)}"
    return (
        f"select {jeu.cle}, fichier, ligne_source from {entrepot.table_jeu(jeu)} "
        f"where bailleur {filtre}"
    )


def _avec_colonnes_typees(con: duckdb.DuckDBPyConnection, lot: pa.Table, jeu: Jeu) -> pa.Table:
    """The batch and the typed twins of its columns, appended without copying the text columns.
    DuckDB parses each distinct text of a column once (a column repeats few of them: ages,
    counts, dates) and Arrow spreads the result back to the rows."""
    for champ in jeu.champs:
        expression = expression_typee(champ)
        if expression is None:
            continue
        codes = pc.dictionary_encode(lot[champ.nom].combine_chunks())
        distinctes = pa.table(
            {"i": pa.array(range(len(codes.dictionary)), pa.int32()), champ.nom: codes.dictionary}
        )
        valeurs = Lot(distinctes).table(con, f"select {expression} as v from _lot order by i")
        lot = lot.append_column(typee(champ), valeurs["v"].take(codes.indices))
    return lot


def deposer(
    s: Session,
    lot: pa.Table,
    livraison: Livraison,
    entete: Entete,
    rel: str,
    feuille: Feuille,
    sha: str,
) -> Lot:
    """Check and deposit the batch; its `_anomalies` serve the file's report."""
    con, jeu = s.con, livraison.jeu
    batch = Lot(_avec_colonnes_typees(con, lot, jeu))
    rpls = con.execute("select count(*) from raw.rpls_logements").fetchone()[0] > 0
    ctx = Contexte(
        jeu=jeu,
        libelles={c: entete.libelles[c] for c in entete.champs},
        fichier_config=livraison.fichier_config,
        date_reference=s.etude.date_reference.isoformat(),
        occupants_par_piece=s.etude.occupants_par_piece,
        marge_occupants=s.etude.marge_occupants,
        rpls_disponible=rpls and jeu is OPS,
        autres_lignes=_autres_lignes(s, livraison),
    )
    batch.anomalies = batch.table(con, requete_anomalies(ctx))
    communes = jeu is OPS and controler_communes(con, ctx, batch)
    lignage = [s.load_id, livraison.bailleur, rel, feuille.nom, sha]
    contenu = ", ".join(f"'{c}': l.{c}" for c in ["ligne", *jeu.noms])
    champs = ", ".join(jeu.noms)
    batch.executer(
        con,
        "insert into raw.quarantaine select ?, ?, ?, ?, ?, l.ligne, ?, a.raisons, a.messages, "
        f"to_json({{{contenu}}}) from _lot l join (select ligne, string_agg(distinct code_raison, ',' "
        "order by code_raison) as raisons, string_agg(message, ' ; ' order by code_raison) "
        f"as messages from _anomalies where gravite = '{REJET}' group by ligne) a "
        "on a.ligne = l.ligne order by l.ligne",
        [s.load_id, jeu.nom, livraison.bailleur, rel, feuille.nom, sha],
    )
    if communes:
        resoudre_communes(batch)
    _vider(s, batch, jeu.noms)
    _valides = _lignes_valides(batch, jeu.noms)  # noqa: F841 (read by name in the SQL below)
    con.execute(
        f"insert into {entrepot.table_jeu(jeu)} (load_id, bailleur, fichier, feuille, "
        f"ligne_source, fichier_sha256, millesime, charge_le, {champs}) "
        f"select ?, ?, ?, ?, ligne, ?, ?, ?, {champs} from _valides",
        [*lignage, s.etude.millesime, s.maintenant],
    )
    batch.executer(
        con,
        "insert into raw.anomalies select ?, ?, ?, ?, ?, ligne, ?, gravite, code_raison, "
        "champ, colonne_source, valeur, message from _anomalies order by ligne, code_raison",
        [s.load_id, jeu.nom, livraison.bailleur, rel, feuille.nom, sha],
    )
    return batch


def _lignes_valides(batch: Lot, champs: list[str]) -> pa.Table:
    """The batch's rows without a rejection, in their order, with the columns the dataset's
    table keeps. Filtered in Arrow rather than by an anti-join in the insert: DuckDB then
    writes the rows as it inserts them, and the commit has little left to do (200,000 rows:
    insert and commit ~1.2 s instead of ~1.8-2.8 s)."""
    anomalies = batch.anomalies
    assert anomalies is not None
    rejetees = pc.filter(anomalies["ligne"], pc.equal(anomalies["gravite"], REJET))
    lignes = batch.lignes.select(["ligne", *champs])
    return lignes.filter(pc.invert(pc.is_in(lignes["ligne"], value_set=rejetees)))


def _vider(s: Session, batch: Lot, champs: list[str]) -> None:
    """Empty, in the batch, the optional values the checks could not read (warned)."""
    codes = ", ".join(q(c) for c in VIDANTES)
    condition = f"gravite = '{AVERTISSEMENT}' and code_raison in ({codes})"
    vides = batch.executer(
        s.con, f"select champ, list(distinct ligne) from _anomalies where {condition} group by 1"
    ).fetchall()
    for champ, lignes in vides:
        if champ in champs:
            batch.vider(champ, lignes)


def ecrire_fichier(
    s: Session, livraison: Livraison, chemin: Path, rel: str, feuille: Feuille, sha: str
) -> None:
    s.con.execute(
        "insert into raw.fichiers values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, "
        "null, null, null)",
        [
            sha,
            livraison.jeu.nom,
            livraison.bailleur,
            rel,
            chemin.name,
            feuille.nom,
            s.etude.millesime,
            chemin.stat().st_size,
            feuille.encodage,
            feuille.separateur,
            livraison.config.empreinte,
            s.load_id,
            s.maintenant,
        ],
    )
