"""`peuplement construire`: run `dbt build` on the study's warehouse, follow it node by node,
keep dbt's log and artefacts inside the study, record the outcome in the register.

dbt runs as a child process with JSON events on its standard output (read here, turned into
`Noeud` events for the caller's display) and its own text log in the study's
`entrepot/dbt/logs/dbt.log`. The child dies with this process (SIGTERM forwarded; on Linux the
kernel also signals it if this process is killed outright). Nothing here prints.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import (
    ErreurConfiguration,
    ErreurEspace,
    ErreurMemoire,
    erreur_disque_plein,
    message_disque_plein,
    message_memoire_insuffisante,
)
from ..etude.configuration import Etude, variables_secret
from ..protection.chiffrement import VARIABLE_CLE, environnement_dbt
from ..protection.registre import Registre

# the stages a build goes through, in order, with the label the display shows
ETAPES = {
    "preparation": "Préparation des données (référentiels, staging)",
    "indicateurs": "Indicateurs",
    "secret": "Secret statistique : masquage et audits",
    "tests": "Tests",
    "exports": "Exports",
}
# dbt's events that end a node (each carries node_info, index and total)
EVENEMENTS_FIN = {
    "LogModelResult",
    "LogTestResult",
    "LogSeedResult",
    "LogSnapshotResult",
    "LogNodeNoOpResult",
    "LogHookEndLine",
    "SkippingDetails",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Noeud:
    """One dbt node (model, test, seed...) as it starts or ends."""

    identifiant: str  # dbt's unique_id
    nom: str
    genre: str  # dbt's resource_type: model, test, unit_test, seed, snapshot, exposure
    etape: str  # a key of ETAPES
    index: int
    total: int
    statut: str = ""  # empty while running; then success, pass, fail, error, skipped, warn...
    duree: float = 0.0
    duree_precedente: float | None = None  # the same node's duration in the previous build


@dataclass
class Construction:
    """What a build did: dbt's exit code and the nodes as run_results.json records them."""

    code: int
    interrompue: bool = False
    duree: float = 0.0
    resultats: list[dict] = field(default_factory=list)  # run_results.json's results
    journal: Path | None = None
    erreurs_dbt: list[str] = field(default_factory=list)  # dbt's last error messages (English)

    def de_genre(self, *genres: str) -> list[dict]:
        return [r for r in self.resultats if r["unique_id"].split(".")[0] in genres]

    @property
    def echecs(self) -> list[dict]:
        return [r for r in self.resultats if r["status"] in ("error", "fail", "runtime error")]

    @property
    def disque_plein(self) -> bool:
        """dbt stopped because the disk (or the file-size limit) is full."""
        messages = [*self.erreurs_dbt, *(str(r.get("message") or "") for r in self.echecs)]
        return self.code != 0 and any(map(message_disque_plein, messages))

    @property
    def memoire_insuffisante(self) -> str | None:
        """The model DuckDB ran out of memory in ('' when dbt does not say), or None."""
        if self.code == 0:
            return None
        for r in self.echecs:
            if message_memoire_insuffisante(str(r.get("message") or "")):
                return nom_noeud(r["unique_id"])
        return "" if any(map(message_memoire_insuffisante, self.erreurs_dbt)) else None

    def reussi(self, nom: str) -> bool:
        """Whether this build ran the model `nom` successfully (its table is this run's)."""
        return any(
            nom_noeud(r["unique_id"]) == nom and r["status"] == "success"
            for r in self.de_genre("model")
        )


Suivi = Callable[[str, Noeud | None, str], None]  # (event, node, dbt's text line)


def nom_noeud(identifiant: str) -> str:
    """A node's name from dbt's unique_id (`test.<projet>.<nom>.<hash>`, `model.<projet>.<nom>`)."""
    parties = identifiant.split(".")
    return parties[2] if parties[0] == "test" and len(parties) > 2 else parties[-1]


def projet_dbt() -> Path:
    """The dbt project: PEUPLEMENT_PROJET, else the repository this package is installed from."""
    candidats = [
        os.environ.get("PEUPLEMENT_PROJET"),
        Path(__file__).resolve().parents[3],
        Path.cwd(),
    ]
    for candidat in candidats:
        if candidat and (Path(candidat) / "dbt_project.yml").exists():
            return Path(candidat).resolve()
    raise ErreurConfiguration(
        "projet dbt introuvable : définissez PEUPLEMENT_PROJET (dossier de dbt_project.yml)"
    )


def dossier_dbt(etude: Etude) -> Path:
    """dbt's target and logs for this study: always inside it, as an absolute path (the purge
    destroys them with the warehouse)."""
    return etude.dossier.resolve() / "entrepot" / "dbt"


def journal_dbt(etude: Etude) -> Path:
    return dossier_dbt(etude) / "logs" / "dbt.log"


def etape(genre: str, chemin: str, nom: str) -> str:
    """The stage of a node, from its kind and its folder in the dbt project (a `*__parametres`
    view only reads the study's settings: it belongs to the preparation)."""
    if genre in ("test", "unit_test"):
        return "tests"
    if genre in ("seed", "snapshot") or chemin.startswith("staging/") or nom.endswith("__parametres"):
        return "preparation"
    if chemin.startswith("intermediate/secret/") or nom.startswith("fct_secret"):
        return "secret"
    if genre == "exposure" or chemin.startswith("exports/"):
        return "exports"
    return "indicateurs"


def construire(
    etude: Etude, operateur: str | None, arguments: list[str], suivi: Suivi | None = None
) -> Construction:
    """dbt build (with extra arguments) on the study; `suivi` receives each node as it starts
    ("debut") and ends ("fin"), and each line of dbt's own output ("ligne")."""
    operateur = operateur or etude.operateur
    projet = projet_dbt()
    cible = dossier_dbt(etude)
    env = _environnement(etude, operateur)
    commande = [
        str(Path(sys.executable).parent / "dbt"),
        "--no-use-colors",
        "--no-use-colors-file",
        "--log-format",
        "json",
        "--log-format-file",
        "text",
        "build",
        "--project-dir",
        str(projet),
        "--profiles-dir",
        str(projet),
        "--target-path",
        str(cible / "target"),
        "--log-path",
        str(cible / "logs"),
        *([] if "--store-failures" in arguments else ["--store-failures"]),
        *_avec_seuils_de_l_etude(etude, arguments),
    ]
    resultats_json = cible / "target" / "run_results.json"
    precedentes = _durees(resultats_json)
    resultats_json.unlink(missing_ok=True)  # never read the previous build's results as this one's
    debut_inscrit = {"commande": "dbt build " + " ".join(arguments), "base": etude.chemin_base.name}
    # recorded when it starts and when it ends: a build killed outright shows as interrupted
    with Registre(etude.dossier).operation("construction", operateur, debut_inscrit) as inscription:
        debut = time.monotonic()
        construction = _lancer(commande, env, precedentes, suivi or (lambda *_: None))
        construction.duree = time.monotonic() - debut
        construction.journal = journal_dbt(etude)
        construction.resultats = _lire_resultats(resultats_json)
        inscription.donnees, inscription.resultat, inscription.message = _inscription(
            etude, arguments, construction
        )
    return construction


def _environnement(etude: Etude, operateur: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE_CLE}
    env.update(
        {
            "PEUPLEMENT_DB": str(Path(etude.chemin_base).resolve()),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PEUPLEMENT_CIBLE": "clair",
            "PEUPLEMENT_EXPORTS": str(etude.dossier.resolve() / "exports"),
            "PEUPLEMENT_OPERATEUR": operateur,
        }
    )
    secrets_dbt = environnement_dbt(etude)  # the derived keys; dbt masks DBT_ENV_SECRET_* values
    if secrets_dbt:
        env.update(secrets_dbt)
    elif not etude.demonstration:
        raise ErreurConfiguration(f"aucune clé de chiffrement : définissez {VARIABLE_CLE}")
    return env


def _mourir_avec_le_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the kernel sends SIGTERM to dbt when `peuplement` dies, even by kill -9."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _lancer(commande: list[str], env: dict, precedentes: dict, suivi: Suivi) -> Construction:
    """Run dbt, turn its JSON events into `suivi` calls; SIGTERM, SIGHUP or Ctrl-C stop dbt too."""
    enfant = subprocess.Popen(
        commande,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        preexec_fn=_mourir_avec_le_parent if sys.platform.startswith("linux") else None,
    )
    interrompue = False
    erreurs: list[str] = []

    def arreter(signum, _frame) -> None:
        nonlocal interrompue
        interrompue = True
        enfant.terminate()

    anciens = {s: signal.signal(s, arreter) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        assert enfant.stdout is not None
        for ligne in enfant.stdout:
            erreur = _evenement(ligne, precedentes, suivi)
            if erreur:
                erreurs[:] = [*erreurs[-4:], erreur]
        code = enfant.wait()
    except KeyboardInterrupt:
        interrompue = True
        enfant.terminate()
        code = enfant.wait()
    finally:
        for s, ancien in anciens.items():
            signal.signal(s, ancien)
        if enfant.poll() is None:
            enfant.kill()
    return Construction(
        code=code if not interrompue else 130, interrompue=interrompue, erreurs_dbt=erreurs
    )


def _evenement(ligne: str, precedentes: dict, suivi: Suivi) -> str | None:
    """One line of dbt's output to `suivi`; returns the message when it is an error."""
    try:
        evenement = json.loads(ligne)
        info, donnees = evenement["info"], evenement.get("data", {})
    except (ValueError, KeyError, TypeError):
        texte = ANSI.sub("", ligne.rstrip("\n"))  # not an event: dbt crashed?
        suivi("ligne", None, texte)
        return texte.strip() or None
    texte = ANSI.sub("", info.get("msg", ""))
    suivi("ligne", None, texte)
    noeud = donnees.get("node_info")
    if not noeud or "index" not in donnees or info["name"] == "NodeStart":
        return texte if info.get("level") == "error" else None
    n = Noeud(
        identifiant=noeud["unique_id"],
        nom=noeud["node_name"],
        genre=noeud["resource_type"],
        etape=etape(noeud["resource_type"], noeud.get("node_path", ""), noeud["node_name"]),
        index=int(donnees["index"]),
        total=int(donnees.get("total") or donnees.get("num_models") or 0),
        duree_precedente=precedentes.get(noeud["unique_id"]),
    )
    if info["name"] == "LogStartLine":
        suivi("debut", n, "")
    elif info["name"] in EVENEMENTS_FIN:
        statut = noeud.get("node_status")
        n.statut = statut if statut not in (None, "", "None") else str(donnees.get("status", ""))
        if info["name"] == "SkippingDetails":
            n.statut = "skipped"
        n.duree = float(donnees.get("execution_time") or 0.0)
        suivi("fin", n, "")


def _durees(chemin: Path) -> dict[str, float]:
    """Each node's duration in the previous build (an estimate for the progress bars)."""
    return {r["unique_id"]: r["execution_time"] for r in _lire_resultats(chemin)}


def _lire_resultats(chemin: Path) -> list[dict]:
    try:
        return json.loads(chemin.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return []


def _inscription(etude: Etude, arguments: list[str], c: Construction) -> tuple[dict, str, str]:
    """The register's end entry: true counts and the names of what failed (never a value:
    dbt's messages may quote data, they stay in the study's log)."""
    modeles = sorted(nom_noeud(r["unique_id"]) for r in c.de_genre("model"))
    tests = c.de_genre("test", "unit_test")
    echecs = [{"noeud": nom_noeud(r["unique_id"]), "statut": r["status"]} for r in c.echecs]
    donnees = {
        "commande": "dbt build " + " ".join(arguments),
        "base": etude.chemin_base.name,
        "modeles": len(modeles),
        "tables": modeles,
        "tests": len(tests),
        "en_echec": len(echecs),
        "echecs": echecs,
        "ignores": sum(r["status"] == "skipped" for r in c.resultats),
        "duree_s": round(c.duree, 1),
    }
    if c.interrompue:
        resultat, message = "interrompu", "construction interrompue (signal reçu) : dbt arrêté"
    elif c.disque_plein:
        resultat, message = "echec", str(erreur_disque_plein_construction(etude))
    elif c.memoire_insuffisante is not None:
        resultat, message = "echec", str(erreur_memoire_construction(c.memoire_insuffisante))
    elif not c.resultats:
        resultat, message = "echec", "dbt s'est arrêté avant de construire (voir le journal)"
    else:
        resultat = "reussi" if c.code == 0 else "echec"
        message = (
            f"{len(modeles)} modèle(s), {len(tests)} test(s), {len(echecs)} en échec"
            + (" : " + ", ".join(e["noeud"] for e in echecs[:10]) if echecs else "")
        )
    return donnees, resultat, message


def erreur_disque_plein_construction(etude: Etude) -> ErreurEspace:
    """The French message of a build stopped by a full disk. A build writes its tables beside the
    ones it replaces before dropping them, and dbt's artefacts: about twice the warehouse."""
    base = Path(etude.chemin_base)
    taille = base.stat().st_size if base.exists() else 0
    return erreur_disque_plein(
        base.parent,
        2 * taille + 64 * 2**20,
        "la construction s'est arrêtée ; chaque table de l'entrepôt est entière (celle de la "
        "construction précédente ou la nouvelle) et les exports précédents sont intacts",
    )


def erreur_memoire_construction(modele: str) -> ErreurMemoire:
    """The French message of a build stopped by DuckDB's memory limit (PEUPLEMENT_MEMOIRE)."""
    limite = os.environ.get("PEUPLEMENT_MEMOIRE", "4GB")
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        machine = None
    return ErreurMemoire(
        "mémoire insuffisante : DuckDB a atteint sa limite de mémoire (PEUPLEMENT_MEMOIRE = "
        f"{limite})" + (f" pendant « {modele} »" if modele else "") + " ; la construction "
        "s'est arrêtée, chaque table de l'entrepôt est entière (celle de la construction "
        "précédente ou la nouvelle) et les exports précédents sont intacts ; relancez avec une "
        "limite plus haute (4GB par défaut), par exemple PEUPLEMENT_MEMOIRE=8GB"
        + (f" (cette machine a {machine:.0f} Go de mémoire)" if machine else "")
        + ", ou fermez les autres programmes"
    )


def _avec_seuils_de_l_etude(etude: Etude, arguments: list[str]) -> list[str]:
    """The dbt arguments with the study's secrecy settings (etude.yml) merged into --vars: other
    variables pass, a secrecy setting that differs from the study's is refused."""
    import yaml

    autres, variables = [], {}
    reste = list(arguments)
    while reste:
        argument = reste.pop(0)
        if argument == "--vars" and reste:
            texte = reste.pop(0)
        elif argument.startswith("--vars="):
            texte = argument[len("--vars=") :]
        else:
            autres.append(argument)
            continue
        try:
            donnees = yaml.safe_load(texte)
        except yaml.YAMLError:
            donnees = None
        if not isinstance(donnees, dict):
            raise ErreurConfiguration(
                "--vars doit être un dictionnaire YAML ou JSON, par exemple --vars '{cle: valeur}'"
            )
        variables.update(donnees)
    for nom, valeur in variables_secret(etude).items():
        if nom in variables and variables[nom] != valeur:
            raise ErreurConfiguration(
                f"--vars : « {nom} » vaut {variables[nom]!r} au lieu de {valeur!r} (etude.yml) ; "
                "les seuils du secret se règlent dans etude.yml (section seuils), jamais en ligne "
                "de commande"
            )
        variables[nom] = valeur
    return ["--vars", json.dumps(variables), *autres]
