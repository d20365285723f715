"""Benchmark of the secrecy engine, side by side with τ-Argus in the same run.

1. Hierarchical frequency tables (`bench_tables`): a 900-commune-like table (communes -> IRIS ×
   5 categories, deterministic by seed) and the nested sub-tables of the demo release
   (EPCI -> communes -> IRIS × each partition of the catalogue, all landlords together). On each,
   the same primaries (frequency rule: 1 to 10 units) go to our engine (`proteger_publication`,
   in process; and `peuplement secret proteger`, the file interface, with a time limit) and to
   τ-Argus (pytauargus, Modular and Optimal, `FREQ(11,marge)`). Printed: secondaries, seconds,
   ratios to τ-Argus Modular, and our audit's verdict on every pattern (exposed targets by
   reason: `petit` a hidden cell proven below 11, `somme_petite` hidden parts of a relation
   proven to sum below 11, `exact`, `complement_petit`).
2. The demo release as `peuplement construire` makes it: per maille, for `ensemble` and for the
   landlords' rows, the share of figures that are not primary which end up published (indicator
   rows and counting cells), secondaries, the outsider audit's verdict (and every audit model
   the build has), time of each secrecy model.

    make bench-secret            # installs the bench extra (pytauargus) first
    .venv/bin/python scripts/bench_secret.py [--tables communes,demo,publication]
        [--methodes MOD,OPT] [--partitions situation_familiale,...] [--etude DIR] ...

τ-Argus is optional: without pytauargus the τ-Argus rows say why and the rest runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_tables import (
    TableHierarchique,
    avec_statuts,
    connexion_etude,
    generer_communes,
    tables_demo,
    vers_table,
)
from bench_tauargus import disponible, proteger_tau
from peuplement.erreurs import ErreurPeuplement
from peuplement.secret.audit import auditer, echecs
from peuplement.secret.modele import Table, lire_table
from peuplement.secret.protection import proteger_publication

RACINE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEUIL = 11
ENV = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


# -- 1. one table, every engine ---------------------------------------------------------------


def _verdict(table: Table) -> tuple[int, str, float]:
    """(exposed targets, their reasons, seconds) of our audit on a pattern."""
    debut = time.perf_counter()
    ko = echecs(auditer(table, SEUIL, exhaustif=False))
    motifs = Counter(r.motif for r in ko)
    return (
        len(ko),
        ", ".join(f"{m} {n}" for m, n in sorted(motifs.items())),
        (time.perf_counter() - debut),
    )


def _secondaires(table: Table) -> int:
    return sum(c.statut == "secondaire" for c in table.cellules.values())


def _audits_compares(protegee: Table) -> None:
    """Baseline of the witness audit: two programs per target, same verdicts expected."""
    debut = time.perf_counter()
    rapides = auditer(protegee, SEUIL, exhaustif=False)
    t_rapide = time.perf_counter() - debut
    debut = time.perf_counter()
    exacts = auditer(protegee, SEUIL, exhaustif=True)
    t_exact = time.perf_counter() - debut
    memes = {r.cible.id: r.motif for r in rapides} == {r.cible.id: r.motif for r in exacts}
    print(
        f"audit par témoins {t_rapide:.1f} s vs audit exhaustif (2 programmes par cible) "
        f"{t_exact:.1f} s : x{t_exact / max(t_rapide, 1e-9):.1f}, mêmes verdicts : {memes}"
    )


def _fichiers(table: Table, dossier: Path, delai: float, methode: str):
    """`peuplement secret proteger` on the table's CSV files, stopped after `delai` seconds:
    (pattern or None, seconds, CPU seconds or None, note)."""
    cellules, relations, sortie = (dossier / n for n in ("cells.csv", "rel.csv", "out.csv"))
    with open(cellules, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["cell_id", "value", "status"])
        for c in table.cellules.values():
            w.writerow([c.id, int(c.valeur), c.statut])
    with open(relations, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["relation_id", "cell_id", "coefficient", "nature"])
        for r in table.relations:
            for c, k in r.termes:
                w.writerow([r.id, c, int(k), "population" if r.population else "somme"])
    commande = [BIN / "peuplement", "secret", "proteger", "--cellules", cellules]
    commande += ["--relations", relations, "--sortie", sortie, "--seuil", str(SEUIL)]
    commande += ["--methode", methode]
    debut, debut_cpu = time.perf_counter(), _cpu_enfants()
    try:
        fin = subprocess.run(commande, capture_output=True, text=True, timeout=delai, env=ENV)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - debut, None, f"pas fini en {delai:.0f} s"
    secondes, cpu = time.perf_counter() - debut, _cpu_enfants() - debut_cpu
    if fin.returncode != 0:
        message = " ".join((fin.stderr or fin.stdout).split())[:240]
        return None, secondes, cpu, f"échec (code {fin.returncode}) : {message}"
    statuts = {c.id: c.statut for c in lire_table(sortie, relations).cellules.values()}
    return avec_statuts(table, statuts), secondes, cpu, ""


def _cpu_enfants() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _executer(th: TableHierarchique, table: Table, methodes: list[str], options) -> list[tuple]:
    """Every engine on one table: (name, pattern or None, seconds, CPU seconds, note)."""
    lignes = []
    debut, debut_cpu = time.perf_counter(), time.process_time()
    try:
        protegee, note = proteger_publication(table, SEUIL, table.relations), ""
    except ErreurPeuplement as exc:
        protegee, note = None, f"échec : {exc}"
    secondes, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
    lignes.append(("peuplement (proteger_publication)", protegee, secondes, cpu, note))
    if options.audit_exhaustif and protegee is not None:
        _audits_compares(protegee)
    if options.delai_fichiers > 0:
        with tempfile.TemporaryDirectory() as tmp:
            lignes.append(
                (f"peuplement secret proteger --methode {options.methode_fichiers}",)
                + _fichiers(table, Path(tmp), options.delai_fichiers, options.methode_fichiers)
            )
    pourquoi = disponible()
    for m in methodes:
        base, _, pl = m.partition("+")
        nom = {"MOD": "τ-Argus Modular (HiTaS)", "OPT": "τ-Argus Optimal"}[base]
        nom += ", nos niveaux" if pl else f", FREQ({SEUIL},{options.marge})"
        if pourquoi:
            lignes.append((nom, None, 0.0, None, pourquoi))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            tau = proteger_tau(
                th, base, SEUIL, options.marge, options.minutes_opt, Path(tmp), bool(pl)
            )
        differentes = sum(
            (tau.statuts[c] == "primaire") != (cellule.statut == "primaire")
            for c, cellule in table.cellules.items()
        )
        note = f"{differentes} primaires différentes des nôtres" if differentes else ""
        lignes.append((nom, avec_statuts(table, tau.statuts), tau.secondes, tau.cpu, note))
    return lignes


def comparer(th: TableHierarchique, methodes: list[str], options) -> list[dict]:
    """Every engine on one table, printed with ratios; returns the rows (for the summary)."""
    table = vers_table(th)
    primaires = sum(c.statut == "primaire" for c in table.cellules.values())
    print(
        f"\n== {th.nom} : {th.nb_zones():,} zones, {len(table.cellules):,} cellules, "
        f"{primaires:,} primaires (1 à 10), {table.cellules['Total/Total'].valeur:,.0f} unités"
    )
    lignes = _executer(th, table, methodes, options)
    # the baseline: τ-Argus Modular asked for our requirement (it then passes our audit), else
    # Modular with the frequency rule's own margin; time ratios in CPU seconds (shared machine)
    modulars = [(n, t, c) for n, t, _, c, _ in lignes if t is not None and "Modular" in n]
    modulars.sort(key=lambda x: "nos niveaux" not in x[0])
    reference = (_secondaires(modulars[0][1]), modulars[0][2]) if modulars else None
    print(
        f"{'méthode':<48} {'secondaires':>11} {'/ MOD':>6} {'secondes':>9} {'CPU s':>7} "
        f"{'/ MOD':>6}  audit de peuplement sur ce masquage"
        + (f"  (/ MOD : rapport à « {modulars[0][0]} »)" if modulars else "")
    )
    resultats = []
    for nom, motif, secondes, cpu, note in lignes:
        texte_cpu = "" if cpu is None else f"{cpu:.1f}"
        if motif is None:
            print(f"{nom:<48} {'—':>11} {'':>6} {secondes:>9.1f} {texte_cpu:>7} {'':>6}  {note}")
            resultats.append({"table": th.nom, "methode": nom, "note": note})
            continue
        n = _secondaires(motif)
        exposees, motifs, t_audit = _verdict(motif)
        ratio_n = f"{n / reference[0]:.2f}" if reference and reference[0] else ""
        ratio_t = f"{cpu / reference[1]:.2f}" if reference and reference[1] and cpu else ""
        verdict = "0 cible exposée" if exposees == 0 else f"{exposees} cibles exposées ({motifs})"
        print(
            f"{nom:<48} {n:>11,} {ratio_n:>6} {secondes:>9.1f} {texte_cpu:>7} {ratio_t:>6}  "
            f"{verdict} [audit {t_audit:.1f} s]{' ; ' + note if note else ''}"
        )
        resultats.append(
            {
                "table": th.nom,
                "methode": nom,
                "secondaires": n,
                "secondes": round(secondes, 2),
                "cpu": None if cpu is None else round(cpu, 2),
                "exposees": exposees,
                "motifs": motifs,
                "note": note,
            }
        )
    return resultats


# -- 2. the demo release, as `peuplement construire` makes it --------------------------------------


def etude_demo(logements: int, dossier: Path) -> tuple[Path, float]:
    """Generate, load and build a demo study; returns (study folder, build seconds)."""
    etude = dossier / "etude"
    for commande in (
        ["demo", etude, "--logements", str(logements), "--force"],
        ["charger", "--etude", etude],
    ):
        subprocess.run([BIN / "peuplement", *commande], check=True, env=ENV, capture_output=True)
    debut = time.perf_counter()
    fin = subprocess.run(
        [BIN / "peuplement", "construire", "--etude", etude],
        env=ENV,
        capture_output=True,
        text=True,
    )
    secondes = time.perf_counter() - debut
    if fin.returncode != 0:
        print(f"peuplement construire a échoué (code {fin.returncode}) :\n{fin.stdout[-2000:]}")
    return etude, secondes


PUBLIES = "('publie', 'force', 'public')"
# issue 11's targets: share of non-primary figures published, per (maille, ensemble?)
CIBLES = {
    ("epci", True): 1.0,
    ("commune", True): 0.95,
    ("qpv", True): 0.9,
    ("commune_qpv", True): 0.9,
    ("iris", True): 0.8,
    ("quartier", True): 0.8,
    ("epci", False): 0.9,
    ("commune", False): 0.9,
}
NON_CANDIDATS = "('primaire', 'masque_nd', 'non_disponible', 'absent')"


def _parts_publiees(con) -> list[tuple]:
    """Per maille and for ensemble / landlords: among indicator rows whose counts are not
    primary (nor unavailable) nor all public (dwellings, occupancy: `fct_secret_synthese`'s
    count), the share published; same for the counting cells."""
    lignes = con.execute(
        f"""
        with catalogue as (
            select indicateur, replace(numerateur, ' ', '') as num,
                replace(coalesce(denominateur, ''), ' ', '') as den
            from indicateurs where type <> 'ecart'
        ),
        initial as (
            select maille, code_zone, bailleur, code_variable, statut_initial
            from int_secret__cellules
            where millesime = (select max(millesime) from int_secret__cellules)
        ),
        lignes as (
            select f.maille, f.bailleur = 'ensemble' as ensemble, f.statut
            from fct_indicateurs as f
            inner join catalogue as c on f.indicateur = c.indicateur
            inner join initial as n on (n.maille, n.code_zone, n.bailleur, n.code_variable)
                = (f.maille, f.code_zone, f.bailleur, c.num)
            left join initial as d on (d.maille, d.code_zone, d.bailleur, d.code_variable)
                = (f.maille, f.code_zone, f.bailleur, c.den)
            where f.millesime = (select max(millesime) from fct_indicateurs)
                and n.statut_initial not in {NON_CANDIDATS}
                and coalesce(d.statut_initial, 'publie') not in {NON_CANDIDATS}
                -- public lines (dwellings, occupancy) are never hidden: counting them would
                -- flatter the share, as `fct_secret_synthese` says
                and not (n.statut_initial = 'force' and coalesce(d.statut_initial, 'force') = 'force')
        ),
        cellules as (
            select s.maille, s.bailleur = 'ensemble' as ensemble, s.statut, i.statut_initial
            from int_secret__statuts as s
            inner join initial as i using (maille, code_zone, bailleur, code_variable)
            where s.millesime = (select max(millesime) from int_secret__statuts)
        )
        select l.maille, l.ensemble, count(*) as candidates,
            count(*) filter (where l.statut = 'publie') as publiees,
            c.candidates_c, c.publiees_c, c.primaires, c.secondaires
        from lignes as l
        inner join (
            select maille, ensemble,
                count(*) filter (
                    where statut_initial not in {NON_CANDIDATS} and statut_initial <> 'force'
                ) as candidates_c,
                count(*) filter (
                    where statut_initial not in {NON_CANDIDATS} and statut_initial <> 'force'
                    and statut in {PUBLIES}
                ) as publiees_c,
                count(*) filter (where statut = 'primaire') as primaires,
                count(*) filter (where statut = 'secondaire') as secondaires
            from cellules group by all
        ) as c using (maille, ensemble)
        group by l.maille, l.ensemble, c.candidates_c, c.publiees_c, c.primaires, c.secondaires
        """
    ).fetchall()
    ordre = ["epci", "epci_qpv", "commune", "qpv", "commune_qpv", "quartier", "iris", "residence"]
    return sorted(lignes, key=lambda r: (ordre.index(r[0]) if r[0] in ordre else 99, not r[1]))


def _objectif(cible: float | None, publiees: int, candidates: int) -> str:
    if cible is None:
        return ""
    atteint = publiees >= cible * candidates
    return f"≥ {cible:.0%} : {'atteint' if atteint else 'non atteint'}"


def _audits(con) -> list[tuple[str, int, int, str]]:
    """Every audit model of the build, per reader when it says which (a `lecteur` column: the
    outsider, each landlord): (model and reader, targets, exposed, reasons)."""
    colonnes: dict[str, set[str]] = {}
    for table, colonne in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_name like 'int_secret__audit%'"
    ).fetchall():
        colonnes.setdefault(table, set()).add(colonne)
    resultat = []
    for modele, noms in sorted(colonnes.items()):
        if "verdict" not in noms:
            continue
        lecteur = next((c for c in ("lecteur", "attaquant") if c in noms), None)
        groupe = lecteur or "'extérieur'"
        lignes = con.execute(
            f"select {groupe}, verdict, count(*) from {modele} group by all order by all"
        ).fetchall()
        par_lecteur: dict[str, dict[str, int]] = {}
        for qui, verdict, n in lignes:
            par_lecteur.setdefault(str(qui), {})[verdict] = n
        for qui, verdicts in par_lecteur.items():
            exposees = sum(n for v, n in verdicts.items() if v != "ok")
            motifs = ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items()) if v != "ok")
            resultat.append((f"{modele} ({qui})", sum(verdicts.values()), exposees, motifs))
    return resultat


def _temps_secret(etude: Path) -> list[tuple[str, float]]:
    chemin = etude / "entrepot" / "dbt" / "target" / "run_results.json"
    if not chemin.exists():
        return []
    resultats = json.loads(chemin.read_text(encoding="utf-8"))["results"]
    return sorted(
        (r["unique_id"].split(".")[-1], float(r["execution_time"]))
        for r in resultats
        if r["unique_id"].startswith("model.") and "secret" in r["unique_id"]
    )


class _Dbt:
    """What a dbt Python model uses of `dbt`, over the built warehouse (read only)."""

    def __init__(self, con, schema_de: dict[str, str]):
        self.con, self.schema_de = con, schema_de

    def config(self, **_options) -> None:
        pass

    def ref(self, nom: str):
        return self.con.table(f'"{self.schema_de[nom]}"."{nom}"')


def _rejouer_secret(con) -> list[tuple[str, float, float, bool]]:
    """The secrecy models (dbt Python models of models/intermediate/secret/) run again in
    process on the built warehouse's inputs, without dbt: (model, seconds, CPU seconds, same
    table as the build). Robust to the engine's evolution: each model file knows its own wiring."""
    import importlib.util

    schema_de = dict(
        con.execute("select table_name, table_schema from information_schema.tables").fetchall()
    )
    resultat = []
    for fichier in sorted((RACINE / "models" / "intermediate" / "secret").glob("*.py")):
        spec = importlib.util.spec_from_file_location(fichier.stem, fichier)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        debut, debut_cpu = time.perf_counter(), time.process_time()
        sortie = module.model(_Dbt(con, schema_de), con)
        secondes, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
        construite = con.table(f'"{schema_de[fichier.stem]}"."{fichier.stem}"').to_arrow_table()
        colonnes = sorted(sortie.column_names)
        memes = sortie.num_rows == construite.num_rows and sorted(
            sortie.select(colonnes).to_pylist(), key=repr
        ) == sorted(construite.select(colonnes).to_pylist(), key=repr)
        resultat.append((fichier.stem, secondes, cpu, memes))
    return resultat


def publication_demo(etude: Path, secondes_build: float | None) -> None:
    print(f"\n== publication de démonstration ({etude}) : ce que la CIL lit")
    con = connexion_etude(etude)
    try:
        schemas = [r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()]
        con.execute("set search_path = '" + ",".join(schemas) + "'")
        print(
            f"{'maille':<12} {'lignes':<9} {'indicateurs non primaires publiés':>34} "
            f"{'cellules non primaires publiées':>32} {'primaires':>10} {'secondaires':>12}"
            "  objectif (indicateurs)"
        )
        for maille, ensemble, cand, pub, cand_c, pub_c, prim, sec in _parts_publiees(con):
            qui = "ensemble" if ensemble else "bailleurs"
            print(
                f"{maille:<12} {qui:<9} {pub:>12,} / {cand:>7,} = {pub / max(cand, 1):>6.1%} "
                f"{pub_c:>11,} / {cand_c:>7,} = {pub_c / max(cand_c, 1):>6.1%} "
                f"{prim:>10,} {sec:>12,}  {_objectif(CIBLES.get((maille, ensemble)), pub, cand)}"
            )
        for modele, cibles, exposees, motifs in _audits(con):
            verdict = "réussi" if exposees == 0 else f"{exposees} cibles exposées ({motifs})"
            print(f"{modele} : {cibles:,} cibles, {verdict}")
        rejoues = _rejouer_secret(con)
        print(
            "secret rejoué hors dbt sur les mêmes entrées : "
            + ", ".join(
                f"{m} {s:.1f} s, CPU {c:.1f} s ({'même table' if memes else 'TABLE DIFFÉRENTE'})"
                for m, s, c, memes in rejoues
            )
            + f" ; total {sum(s for _, s, _, _ in rejoues):.1f} s, CPU "
            f"{sum(c for _, _, c, _ in rejoues):.1f} s (objectif : moins de 20 s)"
        )
    finally:
        con.close()
    temps = _temps_secret(etude)
    if temps:
        print("temps des modèles du secret : " + ", ".join(f"{m} {s:.1f} s" for m, s in temps))
        secret = sum(s for m, s in temps if "masquage" in m or "audit" in m)
        print(f"masquage + audits dans dbt build : {secret:.1f} s (objectif : moins de 20 s)")
    if secondes_build is not None:
        print(f"peuplement construire complet : {secondes_build:.0f} s")


def _synthese(resultats: list[dict]) -> None:
    """One line per table: our engine against τ-Argus Modular (our levels, else FREQ)."""
    tables = list(dict.fromkeys(r["table"] for r in resultats))
    if not tables:
        return
    print(
        "\n== synthèse : secondaires (cibles exposées à notre audit) ; "
        "MOD = τ-Argus Modular, PL = avec nos niveaux de protection"
    )
    print(f"{'table':<52} {'peuplement':>14} {'MOD':>14} {'MOD PL':>14} {'OPT PL':>14}")
    for t in tables:
        lignes = {r["methode"]: r for r in resultats if r["table"] == t}

        def case(debut: str, fin: str = "", lignes=lignes) -> str:
            r = next((r for n, r in lignes.items() if n.startswith(debut) and fin in n), None)
            if r is None or "secondaires" not in r:
                return "—"
            return f"{r['secondaires']:,} ({r['exposees']})"

        print(
            f"{t:<52} {case('peuplement (proteger'):>14} {case('τ-Argus Modular', 'FREQ'):>14} "
            f"{case('τ-Argus Modular', 'nos niveaux'):>14} "
            f"{case('τ-Argus Optimal', 'nos niveaux'):>14}"
        )


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tables",
        default="communes,demo,publication",
        help="parmi communes (table de 900 communes), demo (sous-tables de la démonstration), "
        "publication (la publication de démonstration entière)",
    )
    parser.add_argument(
        "--methodes",
        default="MOD,OPT,MOD+PL,OPT+PL",
        help="méthodes τ-Argus : MOD (Modular), OPT (Optimal) ; +PL : nos exigences données à "
        "τ-Argus comme niveaux de protection (fichier a priori : borne haute 11 − valeur)",
    )
    parser.add_argument("--communes", type=int, default=900)
    parser.add_argument("--avec-iris", type=int, default=56)
    parser.add_argument("--graine", type=int, default=2022)
    parser.add_argument("--logements", type=int, default=20_000, help="taille de la démonstration")
    parser.add_argument("--etude", type=Path, help="une étude déjà construite (sinon : démo)")
    parser.add_argument(
        "--partitions",
        help="partitions du catalogue à comparer (défaut : toutes), ex. age_titulaire",
    )
    parser.add_argument(
        "--marge", type=int, default=10, help="τ-Argus FREQ(11,marge) : marge de protection en %%"
    )
    parser.add_argument("--minutes-opt", type=int, default=4, help="τ-Argus OPT : temps maximal")
    parser.add_argument(
        "--delai-fichiers",
        type=float,
        default=120,
        help="secondes laissées à `peuplement secret proteger` (0 : ne pas le lancer)",
    )
    parser.add_argument(
        "--methode-fichiers",
        default="publication",
        choices=["publication", "ciblee"],
        help="la méthode de `peuplement secret proteger` (voir docs/secret.md)",
    )
    parser.add_argument(
        "--audit-exhaustif",
        action="store_true",
        help="comparer aussi l'audit par témoins à l'audit exhaustif (lent)",
    )
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats (JSON)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they come, even in a file
    tables = set(args.tables.split(","))
    methodes = [m for m in args.methodes.split(",") if m]
    pourquoi = disponible()
    if pourquoi:
        print(f"τ-Argus non comparé : {pourquoi}")
    resultats: list[dict] = []
    if "communes" in tables:
        th = generer_communes(args.communes, args.avec_iris, args.graine)
        resultats += comparer(th, methodes, args)
    with tempfile.TemporaryDirectory() as tmp:
        etude, secondes_build = args.etude, None
        if etude is None and tables & {"demo", "publication"}:
            etude, secondes_build = etude_demo(args.logements, Path(tmp))
        if "demo" in tables:
            choisies = args.partitions.split(",") if args.partitions else None
            for th in tables_demo(
                etude,
                RACINE / "seeds" / "indicateurs.csv",
                choisies,
            ):
                resultats += comparer(th, methodes, args)
        if "publication" in tables:
            publication_demo(etude, secondes_build)
    _synthese(resultats)
    if args.json:
        args.json.write_text(json.dumps(resultats, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
