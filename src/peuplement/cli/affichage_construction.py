"""What `peuplement construire` shows: progress by stage while dbt runs, then the outcome of
this build — counts by stage, every failure explained in French (the exposed targets of the
secrecy audit with their interval and why), what statistical secrecy cost each maille, the
exports written. Nothing from a previous build is ever shown as this one's.

May import: `peuplement.construction`, `peuplement.etude`, duckdb, rich.
"""

from __future__ import annotations

from collections import Counter

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress_bar import ProgressBar
from rich.table import Table

from ..construction.lancement import ETAPES, Construction, Noeud, nom_noeud
from ..etude.configuration import Etude
from ..etude.entrepot import ouvrir_etude

TEST_AUDIT = "audit_secret_reussi"
REUSSIS = ("success", "pass")
LIBELLES_STATUTS = {
    "success": "réussi(s)",
    "pass": "réussi(s)",
    "fail": "en échec",
    "error": "en erreur",
    "warn": "avec avertissement",
    "skipped": "ignoré(s) (en aval d'un échec)",
    "no-op": "sans objet",
}
DUREE_LONGUE = 5.0  # seconds: a node that took longer last time gets its own progress bar


def libelle_noeud(noeud: Noeud) -> str:
    """A long step in words (the secrecy models by what they do)."""
    if "masquage" in noeud.nom:
        quoi = "masquage secondaire"
    elif "audit" in noeud.nom:
        quoi = "audit de l'attaquant"
    else:
        quoi = "calcul"
    return f"{quoi} ({noeud.nom})"


class BarreEstimee(BarColumn):
    """A bar for one long node: filled by its elapsed time over its duration in the previous
    build (never full before it ends); a moving bar when there is no previous build."""

    def render(self, task):
        estimation = task.fields.get("estimation")
        if not estimation:
            return super().render(task)
        fait = min(task.elapsed or 0.0, 0.99 * estimation)
        return ProgressBar(total=estimation, completed=fait, width=self.bar_width)


class Compte(ProgressColumn):
    def render(self, task):
        return task.fields.get("compte", "")


class SuiviConstruction:
    """The `suivi` of `construire`: a line when each stage starts, a progress bar in a terminal
    (plain lines otherwise: no colour code, no redrawing), dbt's own lines with `bavard`."""

    def __init__(self, console: Console, bavard: bool = False) -> None:
        self.console = console
        self.bavard = bavard
        self.etapes: dict[str, Counter] = {}
        self.longs: dict[str, object] = {}  # long node -> its progress task (None off a terminal)
        self.faits = 0
        self.barre: Progress | None = None
        self.tache = None

    def __enter__(self) -> SuiviConstruction:
        if self.console.is_terminal:
            self.barre = Progress(
                TextColumn("{task.description}"),
                BarreEstimee(),
                Compte(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.barre.start()
            self.tache = self.barre.add_task(
                "Construction : lecture du projet dbt", total=None, compte=""
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.barre is not None:
            self.barre.stop()

    def __call__(self, evenement: str, noeud: Noeud | None, texte: str) -> None:
        if evenement == "ligne":
            if self.bavard and texte.strip():
                self.console.print(texte, markup=False, highlight=False, soft_wrap=True)
            return
        assert noeud is not None
        if evenement == "debut":
            self._debut(noeud)
        else:
            self._fin(noeud)

    def _debut(self, noeud: Noeud) -> None:
        if noeud.etape not in self.etapes:
            self.etapes[noeud.etape] = Counter()
            suite = " (au fil de la construction)" if noeud.etape == "tests" else ""
            self.console.print(f"▸ {ETAPES[noeud.etape]}{suite}", highlight=False)
        if self.barre is not None:
            self.barre.update(
                self.tache,
                total=noeud.total,
                description=f"Construction : {ETAPES[noeud.etape].lower()}",
                compte=f"{self.faits}/{noeud.total}",
            )
        longue = noeud.genre == "model" and (
            noeud.etape == "secret" and ("masquage" in noeud.nom or "audit" in noeud.nom)
            or (noeud.duree_precedente or 0.0) >= DUREE_LONGUE
        )
        if longue:
            tache = None
            if self.barre is not None:
                tache = self.barre.add_task(
                    f"  {libelle_noeud(noeud)}",
                    total=None,
                    estimation=noeud.duree_precedente,
                    compte=f"≈ {_duree(noeud.duree_precedente)}" if noeud.duree_precedente else "",
                )
            self.longs[noeud.identifiant] = tache

    def _fin(self, noeud: Noeud) -> None:
        self.etapes.setdefault(noeud.etape, Counter())[noeud.statut or "?"] += 1
        self.faits += 1
        if self.barre is not None:
            self.barre.update(self.tache, completed=self.faits, compte=f"{self.faits}/{noeud.total}")
        if noeud.identifiant in self.longs:
            tache = self.longs.pop(noeud.identifiant)
            if tache is not None:
                self.barre.remove_task(tache)
            self.console.print(
                f"  {libelle_noeud(noeud)} : {_duree(noeud.duree)}"
                + ("" if noeud.statut in REUSSIS else f", {LIBELLES_STATUTS.get(noeud.statut, noeud.statut)}"),
                highlight=False,
            )

    def bilan(self, construction: Construction, console: Console) -> None:
        """Counts by stage and the build's duration."""
        if construction.interrompue:
            console.print(
                "Construction interrompue : dbt a été arrêté ; l'interruption est inscrite au "
                "registre. L'entrepôt et les exports restent ceux d'avant ou d'après chaque "
                "modèle, jamais à moitié écrits.",
                highlight=False,
            )
            return
        echecs = len(construction.echecs)
        etat = "réussie" if construction.code == 0 and not echecs else "en échec"
        console.print(
            f"Construction {etat} en {_duree(construction.duree)} : "
            f"{len(construction.resultats)} nœud(s) dbt, {echecs} en échec.",
            highlight=False,
        )
        for cle, libelle in ETAPES.items():
            comptes = self.etapes.get(cle)
            if comptes:
                detail = ", ".join(
                    f"{n} {LIBELLES_STATUTS.get(s, s)}" for s, n in sorted(comptes.items())
                )
                console.print(f"  {libelle} : {detail}", highlight=False)
        if not construction.resultats:
            _ecrire(
                console,
                "dbt s'est arrêté avant de construire quoi que ce soit (journal complet : "
                f"{construction.journal}). Ses derniers messages d'erreur :",
            )
            for message in construction.erreurs_dbt or ["(aucun)"]:
                _ecrire(console, f"  {message}")


def _duree(secondes: float) -> str:
    if secondes < 60:
        return f"{secondes:.0f} s" if secondes >= 1 else f"{secondes:.1f} s"
    return f"{int(secondes // 60)} min {int(secondes % 60):02d} s"


def afficher_echecs(etude: Etude, construction: Construction, console: Console) -> None:
    """Every failed node of this build, in French: a test with what it found (the stored
    failures' `explication`), the secrecy audit with each exposed target, its interval and why."""
    if not construction.echecs:
        return
    audit_du_jour = construction.reussi("int_secret__audit")
    console.print("Échecs de cette construction :", style="bold", highlight=False)
    con = None
    try:
        con = ouvrir_etude(etude)
    except Exception:  # noqa: BLE001 - the warehouse may be the very thing that failed
        con = None
    try:
        for r in construction.echecs:
            parties, nom = r["unique_id"].split("."), nom_noeud(r["unique_id"])
            if r["unique_id"].startswith(("test.", "unit_test.")) and r["status"] == "fail":
                _echec_test(con, nom, r, audit_du_jour, console)
            else:
                quoi = "du test" if parties[0] in ("test", "unit_test") else "du modèle"
                _ecrire(
                    console,
                    f"  {nom} : erreur à l'exécution {quoi} (message de dbt dans le journal : "
                    f"{construction.journal}).",
                )
    finally:
        if con is not None:
            con.close()


def _echec_test(
    con, nom: str, resultat: dict, audit_du_jour: bool, console: Console, limite: int = 10
) -> None:
    nombre = resultat.get("failures") or 0
    if nom == TEST_AUDIT:
        motifs, lignes = _expositions(con, limite) if audit_du_jour else ({}, [])
        detail = ", ".join(f"{n} {MOTIFS_AUDIT.get(m, m)}" for m, n in motifs.items())
        _ecrire(
            console,
            f"  Secret statistique : {nombre} cible(s) exposée(s) à l'attaquant"
            + (f" ({detail})" if detail else "")
            + " ; rien n'est exporté. Ce qu'il peut établir :",
        )
    else:
        lignes = _lignes_stockees(con, resultat.get("relation_name"), limite)
        _ecrire(console, f"  Test {nom} : {nombre} ligne(s) en défaut.")
    if not lignes:
        lignes = _lignes_stockees(con, resultat.get("relation_name"), limite)
    for ligne in lignes:
        _ecrire(console, f"    - {ligne}")
    if nombre > len(lignes) and lignes:
        _ecrire(console, f"    ... et {nombre - len(lignes)} autre(s).")
    if nom == TEST_AUDIT:
        _ecrire(
            console,
            "  Toutes les cibles et leur intervalle : table intermediate.int_secret__audit "
            "(verdict <> 'ok') ; les règles : docs/secret.md.",
        )


def _ecrire(console: Console, texte: str) -> None:
    """A line of text as is (no markup, no emoji codes such as `:100:`, no highlighting)."""
    console.print(texte, markup=False, emoji=False, highlight=False, soft_wrap=True)


# the audit's verdicts (src/peuplement/secret/audit.py, Resultat.motif), most serious first
MOTIFS_AUDIT = {
    "exact": "retrouvée(s) exactement",
    "petit": "prouvée(s) sous le seuil",
    "somme_petite": "somme(s) de cellules masquées prouvée(s) sous le seuil",
    "complement_petit": "complément(s) (population − effectif) prouvé(s) sous le seuil",
    "exigence_basse": "borne basse au-dessus de l'exigence",
    "non_verifie": "non vérifiée(s) : l'audit s'arrête après 100 cibles exposées",
}


def _expositions(con, limite: int) -> tuple[dict[str, int], list[str]]:
    """This build's exposed targets from the audit model: count by reason, and the first ones
    in words (where the target is, what the attacker establishes, why it fails)."""
    if con is None:
        return {}, []
    ordre = " ".join(f"when '{m}' then {i}" for i, m in enumerate(MOTIFS_AUDIT))
    try:
        motifs = dict(
            con.execute(
                "select verdict, count(*) from intermediate.int_secret__audit "
                f"where verdict <> 'ok' group by verdict order by case verdict {ordre} else 99 end"
            ).fetchall()
        )
        cibles = con.execute(
            "select cible, nature, minimum, maximum, exigence_haute, verdict "
            "from intermediate.int_secret__audit where verdict <> 'ok' "
            f"order by case verdict {ordre} else 99 end, cible limit {limite}"
        ).fetchall()
    except duckdb.Error:
        return {}, []
    lieux = _lieux(con, [c[0] for c in cibles])
    lignes = []
    for cible, nature, minimum, maximum, exigence, verdict in cibles:
        pourquoi = MOTIFS_AUDIT.get(verdict, verdict).replace("(s)", "")
        if verdict in ("petit", "somme_petite", "complement_petit") and exigence is not None:
            pourquoi += f" (il faudrait pouvoir aller jusqu'à {exigence:g})"
        quoi = {"somme": "somme masquée", "complement": "complément"}.get(nature, "cellule")
        lignes.append(
            f"{quoi} {lieux.get(cible, cible)} : l'attaquant établit "
            f"[{_nombre(minimum)} ; {_nombre(maximum)}], {pourquoi}"
        )
    return motifs, lignes


def _nombre(x: float) -> str:
    return f"{(x + 0.0):g}"  # -0.0 reads 0


def _lieux(con, cibles: list[str]) -> dict[str, str]:
    """Where each target is, in words: `maille:zone:bailleur:variable` for a published cell,
    `base:<n°>:<variable>` for an elementary cell (its landlord and the zones it lies in)."""
    lieux = {}
    for cible in cibles:
        parties = cible.split(":")
        if parties[0] == "base" and len(parties) == 3 and parties[1].isdigit():
            try:
                bailleur = con.execute(
                    "select any_value(bailleur) from intermediate.int_secret__cellules_base "
                    "where id_cellule = ?",
                    [int(parties[1])],
                ).fetchone()[0]
                zones = con.execute(
                    "select string_agg(maille || ' ' || code_zone, ', ' order by maille) "
                    "from intermediate.int_secret__appartenances where id_cellule = ? "
                    "and maille not in ('epci', 'commune_qpv')",
                    [int(parties[1])],
                ).fetchone()[0]
            except duckdb.Error:
                continue
            lieux[cible] = (
                f"« {parties[2]} » de la cellule élémentaire n° {parties[1]} (bailleur "
                f"{bailleur} ; {zones})"
            )
        elif len(parties) == 4 and parties[0] not in ("base", "complement"):
            maille, zone, bailleur, variable = parties
            qui = "ensemble des bailleurs" if bailleur == "ensemble" else f"bailleur {bailleur}"
            lieux[cible] = f"« {variable} » ({maille} {zone}, {qui})"
    return lieux


def _lignes_stockees(con, relation: str | None, limite: int) -> list[str]:
    """The failing test's stored rows (dbt --store-failures), as its `explication` column words
    them; empty when the test stores none."""
    if con is None or not relation:
        return []
    try:
        colonnes = [c[0] for c in con.execute(f"select * from {relation} limit 0").description]
        if "explication" not in colonnes:
            return []
        return [
            ligne[0]
            for ligne in con.execute(
                f"select explication from {relation} order by explication limit {limite}"
            ).fetchall()
        ]
    except duckdb.Error:
        return []


def afficher_synthese_secret(etude: Etude, construction: Construction, console: Console) -> None:
    """Rows published / hidden per maille and the audit's verdict, read from the marts — only
    when this build rebuilt them."""
    if not construction.reussi("fct_secret_synthese"):
        if any(r["unique_id"] == "model.peuplement.fct_secret_synthese" for r in construction.resultats):
            console.print(
                "Secret statistique : synthèse non recalculée par cette construction (elle est "
                "en aval de l'échec ci-dessus) ; aucun export n'a été écrit.",
                highlight=False,
            )
        return
    con = ouvrir_etude(etude)
    try:
        lignes = con.execute(
            "select maille, nb_lignes, nb_publiees, nb_secret, nb_non_diffusees, part_publiee, "
            "part_non_primaires_publiees_ensemble, part_non_primaires_publiees_bailleurs, "
            "nb_primaires, nb_secondaires from marts.fct_secret_synthese "
            "order by nb_lignes"
        ).fetchall()
        echecs = con.execute(
            "select count(*) from intermediate.int_secret__audit where verdict <> 'ok'"
        ).fetchone()[0]
        cibles = con.execute("select count(*) from intermediate.int_secret__audit").fetchone()[0]
    except duckdb.CatalogException:
        console.print("Secret statistique : synthèse indisponible (construction incomplète).")
        return
    finally:
        con.close()
    table = Table(title="Secret statistique par maille")
    for titre in (
        "maille",
        "lignes",
        "publiées",
        "s",
        "nd",
        "part publiée",
        "non primaires publiées : ensemble",
        ": bailleurs",
        "primaires",
        "secondaires",
    ):
        table.add_column(titre, justify="left" if titre == "maille" else "right")
    for maille, n, pub, s, nd, part, ensemble, bailleurs, prim, sec in lignes:
        table.add_row(
            maille,
            *(_entier(x) for x in (n, pub, s, nd)),
            f"{part:.0%}",
            *("–" if x is None else f"{x:.0%}" for x in (ensemble, bailleurs)),
            _entier(prim),
            _entier(sec),
        )
    console.print(table)
    verdict = (
        "aucune cible exposée"
        if echecs == 0
        else f"{echecs} cible(s) EXPOSÉE(S) : rien n'est exporté"
    )
    console.print(f"Audit de l'attaquant : {_entier(cibles)} cibles vérifiées, {verdict}.")


def _entier(x: int) -> str:
    return f"{x:,}".replace(",", "\u202f")  # French thousands separator


def afficher_exports(etude: Etude, construction: Construction, console: Console) -> None:
    """The files an analyst can hand over, when this build wrote them."""
    if not construction.reussi("exp_publication"):
        return
    con = ouvrir_etude(etude)
    try:
        fichiers = con.execute(
            "select fichier, chemin from exports.exp_publication order by fichier"
        ).fetchall()
    except duckdb.CatalogException:
        return
    finally:
        con.close()
    console.print("Exports prêts à remettre (secret vérifié) :")
    for titre, filtre in (
        ("classeur de la CIL", lambda f: f.startswith("classeur_cil_")),
        ("rapport de la CIL (PDF)", lambda f: f.startswith("rapport_cil_")),
        ("restitutions aux bailleurs", lambda f: f.startswith("restitution_")),
        ("fichiers ouverts", lambda f: f.endswith(".csv")),
        ("cartes", lambda f: f.endswith((".html", ".gpkg", "LISEZMOI.txt"))),
    ):
        for fichier, chemin in fichiers:
            if filtre(fichier):
                console.print(f"  {titre} : {chemin}", soft_wrap=True)
