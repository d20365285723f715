"""Benchmark of scale: synthetic studies of growing size, time and peak memory per stage.

For each size (default 20,000, 100,000 and 250,000 dwellings) a synthetic study is generated,
loaded (`peuplement charger`) and built (`peuplement construire`), each in its own process; the
time is split by stage from dbt's run_results.json (SQL models, secrecy masking, secrecy audits,
tests, exports). Prints, per size, seconds and peak memory (max RSS of the process and its
children) per stage and the ratio to the first size, and what the secrecy engine solved
(components, cells of the largest, linear and integer programs, audit targets: written by the
build to the file `PEUPLEMENT_MESURES` names), the zones of the release and the build's seconds
per zone (growth no worse than linear in the zones: a ratio of at most 1); then, with `--lot`, a batch of EPCI-sized
studies run by `peuplement lot` and the extrapolation of its throughput to France (5.4 M); with
`--france`, a batch of one study per kind of EPCI (`STRATES`) and France extrapolated kind by
kind: number of EPCI of the kind × its study's time in the batch ÷ studies run at once.

A study is written N[:C[:B]]: N dwellings, C communes, B landlords (`peuplement demo
--communes C --bailleurs B`; default: the demo's 14 communes and 5 landlords).

Usage: python scripts/bench_echelle.py [--tailles 20000,100000:60,250000:90]
       [--lot 3000,6000:20:3] [--france] [--travaux 2] [--dossier bench_echelle] [--limite 1800]
A step running past --limite seconds is stopped and reported as such (the figure is then a
lower bound).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from peuplement.lot.execution import DOSSIER_JOURNAL, FICHIER_RESULTAT

BIN = Path(sys.executable).parent
FRANCE = 5_400_000
# Kinds of EPCI (2024: 22 métropoles, 14 communautés urbaines, 227 communautés d'agglomération,
# 990 communautés de communes): number, and the shape of a typical study (dwellings, communes
# holding social dwellings, landlords). Orders of magnitude chosen so that the total is the
# national stock (5.4 M), to be replaced by the RPLS counted by EPCI for a real plan.
STRATES = (
    ("métropole", 22, "100000:50:8"),
    ("communauté urbaine", 14, "25000:35:6"),
    ("communauté d'agglomération", 227, "9000:25:5"),
    ("communauté de communes", 990, "820:8:2"),
)
MESURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter()\n"
    "try:\n"
    "    r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,"
    " timeout=float(sys.argv[1])); code = r.returncode\n"
    "except subprocess.TimeoutExpired:\n"
    "    code = 'limite'\n"
    "print(code, time.perf_counter() - t, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def nombre(n: float) -> str:
    """12 345 (French thousands separator)."""
    return f"{n:,.0f}".replace(",", "\u202f")


def mesurer(commande: list[str], limite: float, env: dict) -> tuple[str, float, float]:
    """(exit code or 'limite', seconds, peak MiB) of a command run in a fresh process."""
    sortie = subprocess.run(
        [sys.executable, "-c", MESURE, str(limite), *commande],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    code, duree, rss = sortie.stdout.split()
    return code, float(duree), int(rss) / 1024


def etapes_dbt(dossier: Path) -> dict[str, float]:
    """Seconds per stage of the last build, from dbt's run_results.json."""
    chemins = list((dossier / "entrepot").rglob("run_results.json"))
    if not chemins:
        return {}
    resultats = json.loads(max(chemins, key=os.path.getmtime).read_text())["results"]
    etapes = {"modeles_sql": 0.0, "masquage": 0.0, "audits": 0.0, "tests": 0.0, "exports": 0.0}
    for r in resultats:
        uid, duree = r["unique_id"], r["execution_time"]
        if uid.startswith(("test.", "unit_test.")):
            etapes["tests"] += duree
        elif "int_secret__masquage" in uid:
            etapes["masquage"] += duree
        elif "int_secret__audit" in uid:
            etapes["audits"] += duree
        elif uid.startswith("model.") and ".exp_" in uid:
            etapes["exports"] += duree
        else:
            etapes["modeles_sql"] += duree
    return etapes


def lire_mesures(chemin: Path) -> dict[str, dict]:
    """The last line of each step (`masquage`, `audit`) the build wrote to its measures file."""
    mesures: dict[str, dict] = {}
    if chemin.exists():
        for texte in chemin.read_text(encoding="utf-8").splitlines():
            ligne = json.loads(texte)
            mesures[ligne.pop("etape")] = ligne
    return mesures


def forme(texte: str) -> tuple[int, list[str]]:
    """'100000:60:8' → (100000, the options of `peuplement demo` for that shape)."""
    parties = [int(p) for p in texte.split(":")]
    options = ["--logements", str(parties[0])]
    for option, valeur in zip(("--communes", "--bailleurs"), parties[1:], strict=False):
        options += [option, str(valeur)]
    return parties[0], options


def une_etude(dossier: Path, texte: str, limite: float, env: dict) -> dict:
    if dossier.exists():
        shutil.rmtree(dossier)
    peuplement = str(BIN / "peuplement")
    logements, options = forme(texte)
    ligne = {"logements": logements, "forme": texte}
    fichier_mesures = dossier.with_name(dossier.name + "_mesures.jsonl")
    fichier_mesures.unlink(missing_ok=True)
    env = {**env, "PEUPLEMENT_MESURES": str(fichier_mesures.resolve())}
    for nom, commande in (
        ("generation", [peuplement, "demo", str(dossier), *options]),
        ("chargement", [peuplement, "charger", "--etude", str(dossier)]),
        ("construction", [peuplement, "construire", "--etude", str(dossier)]),
    ):
        code, duree, memoire = mesurer(commande, limite, env)
        ligne[nom] = (code, duree, memoire)
        if code != "0":
            break
    ligne["etapes_dbt"] = etapes_dbt(dossier)
    ligne["mesures"] = lire_mesures(fichier_mesures)
    ligne["zones"] = compter_zones(dossier)
    return ligne


def compter_zones(dossier: Path) -> int | None:
    """Zones of the release (every maille), from the built warehouse (None if unreadable:
    not built, or encrypted)."""
    import duckdb

    try:
        con = duckdb.connect(str(dossier / "entrepot" / "peuplement.duckdb"), read_only=True)
        try:
            return con.execute("select count(*) from marts.dim_zones").fetchone()[0]
        finally:
            con.close()
    except duckdb.Error:
        return None


COMPTES = (
    ("masquage", "composantes", "composantes masquées"),
    ("masquage", "plus_grande", "cellules de la plus grande"),
    ("masquage", "programmes", "programmes du masquage"),
    ("audit", "cibles", "cibles des audits"),
    ("audit", "programmes", "programmes des audits"),
)


def afficher_comptes(lignes: list[dict]) -> None:
    print("\nce que le moteur du secret a résolu (rapport à la première taille) :")
    for etape, cle, libelle in COMPTES:
        valeurs = [r["mesures"].get(etape, {}).get(cle) for r in lignes]
        b = valeurs[0] or float("nan")
        print(
            f"  {libelle:<28}"
            + "".join(
                f"{'—':>18}" if v is None else f"{nombre(v):>11} x{v / b:<5.1f}" for v in valeurs
            )
        )


def afficher_tailles(lignes: list[dict]) -> None:
    base = lignes[0]
    print(f"\n{'étape':<14}" + "".join(f"{r['forme']:>22}" for r in lignes))
    for nom in ("generation", "chargement", "construction"):
        cellules = []
        for r in lignes:
            if nom not in r:
                cellules.append(f"{'—':>22}")
                continue
            code, duree, memoire = r[nom]
            ratio = duree / base[nom][1] if nom in base and base[nom][1] else float("nan")
            etat = "" if code == "0" else (" >" if code == "limite" else " !")
            cellules.append(f"{duree:>7.0f} s{etat:<2} {memoire:>5.0f} Mo x{ratio:<4.1f}")
        print(f"{nom:<14}" + "".join(cellules))
    print("\ndétail de la construction (secondes, d'après run_results.json de dbt) :")
    for etape in ("modeles_sql", "masquage", "audits", "tests", "exports"):
        valeurs = [r["etapes_dbt"].get(etape) for r in lignes]
        b = valeurs[0] or float("nan")
        print(
            f"  {etape:<12}"
            + "".join(
                f"{'—':>22}" if v is None else f"{v:>13.1f} s x{v / b:<5.1f}" for v in valeurs
            )
        )
    afficher_comptes(lignes)
    zones = [r.get("zones") for r in lignes]
    if all(zones) and all(r.get("construction", ("", 0))[0] == "0" for r in lignes):
        par_zone = [r["construction"][1] / z for r, z in zip(lignes, zones, strict=True)]
        print(
            f"  {'zones publiées':<28}"
            + "".join(f"{nombre(z):>11} x{z / zones[0]:<5.1f}" for z in zones)
            + f"\n  {'construction par zone (s)':<28}"
            + "".join(f"{p:>11.3f} x{p / par_zone[0]:<5.1f}" for p in par_zone)
        )
    print("(> : arrêté à la limite, la durée est un minorant ; ! : échec)")


def lot(dossier: Path, formes: list[str], travaux: int, limite: float, env: dict) -> list:
    """Generates the studies, runs them with `peuplement lot`; the seconds of each study."""
    if dossier.exists():
        shutil.rmtree(dossier)
    peuplement = str(BIN / "peuplement")
    etudes = [dossier / f"epci_{i:03d}" for i in range(len(formes))]
    for i, (etude, texte) in enumerate(zip(etudes, formes, strict=True)):
        subprocess.run(
            [peuplement, "demo", str(etude), *forme(texte)[1], "--graine", str(1000 + i)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
    code, duree, memoire = mesurer(
        [peuplement, "lot", str(dossier), "--travaux", str(travaux)], limite, env
    )
    total = sum(forme(t)[0] for t in formes)
    debit = total / duree
    print(
        f"\nlot de {len(formes)} études ({nombre(total)} logements, {travaux} à la fois) : "
        f"{duree:.0f} s, {memoire:.0f} Mo au plus, code {code} ; {nombre(debit)} logements/s"
    )
    print(
        f"extrapolation à la France ({nombre(FRANCE)} logements, EPCI de tailles comparables) : "
        f"{nombre(FRANCE / debit / 60)} min sur cette machine"
    )
    if code != "0":
        print("(au moins une étude du lot a échoué : voir <étude>/journal/lot_*.log)")
    secondes = []
    for etude in etudes:
        chemin = etude / DOSSIER_JOURNAL / FICHIER_RESULTAT
        etapes = json.loads(chemin.read_text())["etapes"] if chemin.exists() else []
        secondes.append(sum(e["duree"] for e in etapes) if etapes else float("nan"))
    return secondes


def france(dossier: Path, travaux: int, limite: float, env: dict) -> None:
    """One study per kind of EPCI in one batch; France = Σ kinds (count × seconds) ÷ travaux."""
    secondes = lot(dossier, [f for _, _, f in STRATES], travaux, limite, env)
    etapes = ("modeles_sql", "masquage", "audits", "exports")
    print(
        f"\n{'type d EPCI':<28}{'nombre':>7}{'étude type':>13}{'durée':>8}{'France':>9}"
        + "".join(f"{e:>13}" for e in etapes)
    )
    total = logements = 0.0
    for i, ((nom, effectif, texte), s) in enumerate(zip(STRATES, secondes, strict=True)):
        part = effectif * s / travaux
        total += part
        logements += effectif * forme(texte)[0]
        detail = etapes_dbt(dossier / f"epci_{i:03d}")
        print(
            f"{nom:<28}{effectif:>7}{texte:>13}{s:>6.0f} s{part / 60:>5.0f} min"
            + "".join(f"{detail.get(e, float('nan')):>11.1f} s" for e in etapes)
        )
    print(
        f"France par EPCI ({nombre(logements)} logements, {travaux} études à la fois) : "
        f"{total / 60:.0f} min sur cette machine"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tailles", default="20000,100000,250000")
    parser.add_argument("--lot", default="", help="études d'un lot, ex. 3000,6000:20:3")
    parser.add_argument("--france", action="store_true", help="un lot d'une étude par type d'EPCI")
    parser.add_argument("--travaux", type=int, default=2)
    parser.add_argument("--dossier", type=Path, default=Path("bench_echelle"))
    parser.add_argument("--limite", type=float, default=1800)
    args = parser.parse_args()
    env = {**os.environ, "DO_NOT_TRACK": "1"}
    env.pop("PEUPLEMENT_DB", None)
    formes = [t for t in args.tailles.split(",") if t]
    if formes:
        lignes = []
        for texte in formes:
            print(f"étude {texte}…", flush=True)
            dossier = args.dossier / f"etude_{texte.replace(':', '_')}"
            lignes.append(une_etude(dossier, texte, args.limite, env))
        afficher_tailles(lignes)
    if args.lot:
        lot(args.dossier / "lot", args.lot.split(","), args.travaux, args.limite, env)
    if args.france:
        france(args.dossier / "france", args.travaux, args.limite, env)


if __name__ == "__main__":
    main()
