"""Faults: kill -9 at random points of a load and of a build, a full disk (a file-size limit in
the child, no root needed), concurrent commands. After each fault the study is before or after,
never half, and the register says what happened; the next command records an interrupted one."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from aides import BIN, RACINE, peuplement

from peuplement.protection.registre import Registre
from peuplement.synthetique.etude_demo import ecrire_etude_demo

GRAINE = 14  # the kill points are random, but the same at every run


def _environnement(env: dict | None = None) -> dict:
    environnement = {
        k: v for k, v in os.environ.items() if k not in ("PEUPLEMENT_DB", "PEUPLEMENT_CLE")
    }
    environnement.update(env or {})
    return environnement


def _lancer(*args: str) -> subprocess.Popen:
    """The real command in its own process group, so that kill -9 takes its children too (a
    power cut of the command)."""
    return subprocess.Popen(
        [str(BIN / "peuplement"), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_environnement(),
        cwd=RACINE,
        start_new_session=True,
    )


def _attendre_debut(dossier: Path, operation: str, avant: int, processus) -> int:
    """Wait until the command has recorded its start; returns that entry's number."""
    limite = time.monotonic() + 120
    while time.monotonic() < limite and processus.poll() is None:
        entrees = Registre(dossier).lire() if (dossier / "registre").exists() else []
        for e in entrees[avant:]:
            if e["operation"] == operation and e["resultat"] == "commence":
                return e["numero"]
        time.sleep(0.05)
    raise AssertionError(f"{operation} : pas d'entrée de début (code {processus.poll()})")


def _tuer(processus: subprocess.Popen) -> bool:
    """kill -9 of the command and its children; False if it had already ended."""
    fini = processus.poll() is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(processus.pid, signal.SIGKILL)
    processus.wait()
    limite = time.monotonic() + 30  # its children (dbt) are gone too: their locks are freed
    while time.monotonic() < limite:
        try:
            os.killpg(processus.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    return not fini


def _etat_chargement(dossier: Path) -> tuple:
    """What the warehouse holds of loads: (successful loads, landlord rows, active files)."""
    base = dossier / "entrepot" / "peuplement.duckdb"
    if not base.exists():
        return (0, 0, 0)
    con = duckdb.connect(str(base), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if "chargements" not in tables:
            return (0, 0, 0)
        return con.execute(
            "select (select count(*) from raw.chargements where statut = 'reussi'), "
            "(select count(*) from raw.ops_lignes), "
            "(select count(*) from raw.fichiers where actif)"
        ).fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def modele(tmp_path_factory):
    """A demo study not yet loaded, the state a whole load gives, and the load's duration."""
    racine = tmp_path_factory.mktemp("pannes")
    dossier = racine / "modele"
    ecrire_etude_demo(dossier, logements=1200, graine=5)
    reference = racine / "reference"
    shutil.copytree(dossier, reference)
    processus = _lancer("load", "--etude", str(reference))
    _attendre_debut(reference, "chargement", 1, processus)
    debut = time.monotonic()  # the kill points fall between the start entry and the end
    assert processus.wait() == 0
    return dossier, reference, _etat_chargement(reference), time.monotonic() - debut


def _fin_inscrite(dossier: Path, numero: int) -> bool:
    return any(e["donnees"].get("debut") == numero for e in Registre(dossier).lire())


def _interrompue_inscrite(dossier: Path, numero: int) -> bool:
    return any(
        e["resultat"] == "interrompu" and e["donnees"].get("debut") == numero
        for e in Registre(dossier).lire()
    )


def _tuer_au_hasard(
    preparer, args: tuple, operation: str, borne: float, rng: random.Random
) -> tuple[Path, int, int]:
    """Launch the command on `preparer()`'s study and kill -9 it at a random point of its run,
    between its start entry and `borne` seconds after; when it ended before that point (a
    quicker run than measured) or was killed only after recording its end, again on a fresh copy
    with a point earlier in the run, so that every trial cuts the operation. Returns (study, start entry, runs that ended first)."""
    for avance in range(5):
        dossier, avant = preparer()
        processus = _lancer(*args, "--etude", str(dossier))
        numero = _attendre_debut(dossier, operation, avant, processus)
        time.sleep(rng.uniform(0, borne))
        # a kill after the end entry (the process was exiting) cut nothing of the operation
        if _tuer(processus) and not _fin_inscrite(dossier, numero):
            return dossier, numero, avance
        borne /= 2
    raise AssertionError(f"{operation} : fini avant chaque point de coupure")


def test_kill_9_at_random_points_of_a_load(modele, tmp_path):
    source, _, complet, duree = modele
    rng = random.Random(GRAINE)
    survecus, avances = 0, 0
    copies = iter(range(100))

    def copie() -> tuple[Path, int]:
        dossier = tmp_path / f"e{next(copies)}"
        shutil.copytree(source, dossier)
        return dossier, 1

    for essai in range(10):
        dossier, numero, avance = _tuer_au_hasard(copie, ("load",), "chargement", 0.8 * duree, rng)
        avances += avance
        etat = _etat_chargement(dossier)
        assert etat in ((0, 0, 0), complet), f"essai {essai} : entrepôt à moitié écrit {etat}"
        apres = etat == complet  # killed after its commit: the next load finds it all there
        assert Registre(dossier).verifier().ouvertes == [numero]
        relance = peuplement("load", "--etude", str(dossier))
        assert relance.returncode == 0, relance.stderr
        assert _etat_chargement(dossier) == (complet[0] + apres, *complet[1:])
        assert _interrompue_inscrite(dossier, numero)
        verification = Registre(dossier).verifier()
        assert verification.intact and not verification.ouvertes, verification.resume()
        survecus += 1
    print(
        f"\nkill -9 pendant un chargement : {survecus}/10 coupures réelles survécues "
        f"({avances} chargement(s) fini(s) avant leur point, recoupé(s) plus tôt)"
    )
    assert survecus == 10


# seeds, staging views and the dwellings' and households' tables: a real build, kept short
CONSTRUCTION = ("--select", "+int_menages__caracteristiques", "--indirect-selection", "cautious")


def _etat_construction(dossier: Path) -> dict:
    """Row count of every table dbt built (a table is whole or absent, never half)."""
    base = dossier / "entrepot" / "peuplement.duckdb"
    con = duckdb.connect(str(base), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'raw'"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }
    finally:
        con.close()


def test_kill_9_at_random_points_of_a_build(modele, tmp_path):
    """The same warehouse killed seven times during a build; the next command (a load, which
    needs the warehouse) records each interruption; a last build finishes the job."""
    _, reference, charge, _ = modele
    construite = tmp_path / "construite"
    shutil.copytree(reference, construite)
    debut = time.monotonic()
    sortie = peuplement("build", "--etude", str(construite), *CONSTRUCTION)
    duree = time.monotonic() - debut
    assert sortie.returncode == 0, sortie.stdout[-2000:]
    complet = _etat_construction(construite)
    dossier = tmp_path / "tuee"
    shutil.copytree(reference, dossier)
    rng = random.Random(GRAINE + 1)
    survecus, brouillons, avances = 0, 0, 0

    def meme_entrepot() -> tuple[Path, int]:  # a build that ended first leaves it built: fine
        return dossier, len(Registre(dossier).lire())

    for essai in range(7):
        # a build on a built warehouse is quicker
        _, numero, avance = _tuer_au_hasard(
            meme_entrepot, ("build", *CONSTRUCTION), "construction", 0.5 * duree, rng
        )
        avances += avance
        etat = _etat_construction(dossier)  # it opens, and every model is whole or absent
        modeles = {t: n for t, n in etat.items() if not t.endswith("__dbt_tmp")}
        assert all(complet.get(t) == n for t, n in modeles.items()), f"essai {essai} : {etat}"
        brouillons += len(etat) - len(modeles)  # dbt's scratch tables: dropped by the next build
        assert Registre(dossier).verifier().ouvertes == [numero]
        suivante = peuplement("load", "--etude", str(dossier))
        assert suivante.returncode == 0, suivante.stderr
        assert _etat_chargement(dossier)[1:] == charge[1:]  # the loaded data never moved
        assert _interrompue_inscrite(dossier, numero)
        assert Registre(dossier).verifier().intact
        survecus += 1
    relance = peuplement("build", "--etude", str(dossier), *CONSTRUCTION)
    assert relance.returncode == 0, relance.stdout[-2000:]
    assert _etat_construction(dossier) == complet  # scratch tables gone
    verification = Registre(dossier).verifier()
    assert verification.intact and not verification.ouvertes, verification.resume()
    print(
        f"\nkill -9 pendant une construction : {survecus}/7 coupures réelles survécues "
        f"({avances} fini(s) avant leur point, recoupé(s) plus tôt ; {brouillons} table(s) "
        "__dbt_tmp laissée(s), retirée(s) par la construction suivante)"
    )
    assert survecus == 7


def _limite_fichiers(octets: int):
    """In the child: files cannot grow beyond `octets` (EFBIG, as a full disk gives ENOSPC)."""

    def appliquer() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (octets, octets))

    return appliquer


def _sous_limite(octets: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "peuplement"), *args],
        capture_output=True,
        text=True,
        env=_environnement(),
        cwd=RACINE,
        preexec_fn=_limite_fichiers(octets),
    )


def test_a_full_disk_during_a_load_writes_nothing_and_says_so(modele, tmp_path):
    source, _, complet, _ = modele
    dossier = tmp_path / "plein"
    shutil.copytree(source, dossier)
    sortie = _sous_limite(300_000, "load", "--etude", str(dossier))
    assert sortie.returncode == 2, sortie.stderr
    assert "Traceback" not in sortie.stderr
    message = " ".join(sortie.stderr.split())
    assert "disque plein" in message and "entrepot" in message and "il faut environ" in message
    assert _etat_chargement(dossier)[:2] == (0, 0)  # nothing half-written
    derniere = Registre(dossier).lire()[-1]
    assert (derniere["operation"], derniere["resultat"]) == ("chargement", "echec")
    assert derniere["message"].startswith("disque plein")
    assert Registre(dossier).verifier().intact
    relance = peuplement("load", "--etude", str(dossier))  # space freed: it loads
    assert relance.returncode == 0 and _etat_chargement(dossier) == complet


def test_a_full_disk_for_the_register_leaves_it_whole(modele, tmp_path):
    source, _, _, _ = modele
    dossier = tmp_path / "registre_plein"
    shutil.copytree(source, dossier)
    registre = dossier / "registre" / "registre.jsonl"
    avant = registre.read_bytes()
    sortie = _sous_limite(len(avant) + 40, "load", "--etude", str(dossier))
    assert sortie.returncode == 2 and "Traceback" not in sortie.stderr, sortie.stderr
    message = " ".join(sortie.stderr.split())
    assert "disque plein" in message and "registre" in message
    assert registre.read_bytes() == avant  # no half line
    assert not (dossier / "entrepot" / "peuplement.duckdb").exists()
    assert Registre(dossier).verifier().intact


def test_a_study_in_use_is_told_apart_from_a_wrong_key(modele, tmp_path):
    _, reference, _, _ = modele
    dossier = tmp_path / "occupee"
    shutil.copytree(reference, dossier)
    tenue = duckdb.connect(str(dossier / "entrepot" / "peuplement.duckdb"))  # another command
    try:
        sortie = peuplement("load", "--etude", str(dossier))
    finally:
        tenue.close()
    message = " ".join(sortie.stderr.split())
    assert sortie.returncode == 2 and "utilisée par une autre commande" in message, message
    assert "clé" not in message
    derniere = Registre(dossier).lire()[-1]
    assert (
        derniere["resultat"] == "echec" and "utilisée par une autre commande" in derniere["message"]
    )


def test_concurrent_commands_keep_one_chain(modele, tmp_path):
    _, reference, _, _ = modele
    dossier = tmp_path / "concurrence"
    shutil.copytree(reference, dossier)
    script = (
        "import sys\n"
        "from peuplement.protection.registre import Registre\n"
        "for k in range(15):\n"
        "    Registre(sys.argv[1]).ajouter('acces', 'Testeur', {'k': k}, 'reussi', 'lecture')\n"
    )
    ecrivains = [subprocess.Popen([sys.executable, "-c", script, str(dossier)]) for _ in range(4)]
    chargements = [_lancer("load", "--etude", str(dossier)) for _ in range(2)]
    assert all(p.wait() == 0 for p in ecrivains)
    codes = sorted(p.wait() for p in chargements)
    assert codes in ([0, 0], [0, 2]), codes  # the second one may find the study in use
    verification = Registre(dossier).verifier()
    assert verification.intact and not verification.ouvertes, verification.resume()
    entrees = Registre(dossier).lire()
    assert sum(e["operation"] == "acces" for e in entrees) == 60
    assert [e["numero"] for e in entrees] == list(range(1, len(entrees) + 1))


def test_the_exports_folder_always_holds_one_release(tmp_path):
    import json

    from peuplement.exports.ecriture import MANIFESTE, PRET, ecrire_atomiquement

    def texte(contenu):
        return lambda chemin: chemin.write_text(contenu, encoding="utf-8")

    exports = tmp_path / "exports"
    premiere = {"restitution_A_2022.xlsx": texte("a"), "restitution_B_2022.xlsx": texte("b")}
    ecrire_atomiquement(exports, {**premiere, "cellules.csv": texte("1")})
    # a crash while a release was being moved into place: A and B moved, cellules.csv not yet
    reste = exports / ".export-crash"
    reste.mkdir()
    (reste / "cellules.csv").write_text("2")
    noms = [*premiere, "cellules.csv"]
    (reste / MANIFESTE).write_text(
        json.dumps({"fichiers": [{"nom": n} for n in noms], "remplaces": []}), encoding="utf-8"
    )
    (reste / PRET).write_text("{}")
    moitie = exports / ".export-moitie"  # a crash while writing: never complete
    moitie.mkdir()
    (moitie / "zones.csv").write_text("à moitié")
    ecriture = ecrire_atomiquement(exports, {"restitution_A_2022.xlsx": texte("a2")})
    assert sorted(ecriture.reprises) == [
        ".export-crash : écriture interrompue achevée",
        ".export-moitie : écriture interrompue abandonnée (supprimé)",
    ]
    assert not list(exports.glob(".export-*"))
    assert (exports / "restitution_A_2022.xlsx").read_text() == "a2"
    assert not (exports / "restitution_B_2022.xlsx").exists()  # the landlord that left
    assert len(ecriture.remplaces) == 2 and all((exports / r).is_file() for r in ecriture.remplaces)
    manifeste = json.loads((exports / MANIFESTE).read_text(encoding="utf-8"))
    assert [f["nom"] for f in manifeste["fichiers"]] == ["restitution_A_2022.xlsx"]


def test_a_full_disk_during_a_build_says_so_in_french(modele, tmp_path):
    """dbt stops on a full disk (its tables cannot grow the warehouse): the build says so in
    French with the folder and the space needed, exit 2, and the register records it."""
    _, reference, charge, _ = modele
    dossier = tmp_path / "construction_pleine"
    shutil.copytree(reference, dossier)
    base = dossier / "entrepot" / "peuplement.duckdb"
    sortie = _sous_limite(2**20, "build", "--etude", str(dossier), *CONSTRUCTION)
    ecran = " ".join((sortie.stdout + sortie.stderr).split())
    assert sortie.returncode == 2 and "Traceback" not in ecran, ecran[-3000:]
    colle = "".join(ecran.split())  # the console wraps long paths
    assert f"disqueplein(oulimitedetailledefichieratteinte)dans{base.parent}:" in colle
    assert "il faut environ" in ecran and "la construction s'est arrêtée" in ecran, ecran[-3000:]
    derniere = Registre(dossier).lire()[-1]
    assert (derniere["operation"], derniere["resultat"]) == ("construction", "echec")
    assert derniere["message"].startswith("disque plein")
    assert _etat_chargement(dossier)[1:] == charge[1:]  # the loaded data never moved
    assert Registre(dossier).verifier().intact
