"""Run the load and the build of many studies, a bounded number at a time.

The unit of work is one study: its steps run one after another in child processes (the same
commands a user types), several studies run at once. The memory budget is shared: each running
study gets `memoire / travaux` for DuckDB (`PEUPLEMENT_MEMOIRE`), beyond which DuckDB spills to
disk. The cores are shared too: each study's pool of secrecy processes
(`PEUPLEMENT_SECRET_PROCESSUS`, unless the caller sets it) gets `cores / travaux` of them, so
that two studies at a time on two cores run two processes, not four. Studies are taken in
sorted order and each result depends only on its own study, so the outcome is the same
whatever the number of workers (the secrecy's pattern does not depend on its processes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import ErreurConfiguration

FICHIER_ETUDE = "etude.yml"
ETAPES = ("charger", "construire")
DOSSIER_JOURNAL = "journal"
FICHIER_RESULTAT = "lot_resultat.json"  # each step's exit code and seconds, for benchmarks
LANCEUR = "from peuplement.cli import main; main()"


@dataclass
class Etape:
    nom: str
    code: int
    duree: float


@dataclass
class ResultatEtude:
    dossier: Path
    etapes: list[Etape] = field(default_factory=list)
    message: str = ""

    @property
    def reussie(self) -> bool:
        return bool(self.etapes) and all(e.code == 0 for e in self.etapes)

    @property
    def duree(self) -> float:
        return sum(e.duree for e in self.etapes)


def trouver_etudes(chemins: list[Path]) -> list[Path]:
    """Study folders named directly, or the study folders directly inside a parent folder."""
    etudes: set[Path] = set()
    for chemin in chemins:
        chemin = Path(chemin).resolve()
        if (chemin / FICHIER_ETUDE).is_file():
            etudes.add(chemin)
        elif chemin.is_dir():
            etudes.update(p.parent for p in chemin.glob(f"*/{FICHIER_ETUDE}"))
        else:
            raise ErreurConfiguration(f"{chemin} : dossier introuvable.")
    if not etudes:
        noms = ", ".join(str(c) for c in chemins)
        raise ErreurConfiguration(
            f"aucune étude trouvée dans {noms} : un dossier d'étude contient {FICHIER_ETUDE} "
            "(créez-le avec « peuplement initialiser »)."
        )
    return sorted(etudes)


def en_octets(texte: str) -> int:
    """'8GB', '512MB', '2GiB' -> bytes (DuckDB's units)."""
    t = texte.strip().upper().replace("IB", "B")
    for unite, facteur in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if t.endswith(unite):
            try:
                return int(float(t[: -len(unite)]) * facteur)
            except ValueError:
                break
    raise ErreurConfiguration(f"mémoire « {texte} » illisible : attendu par exemple 8GB ou 512MB.")


class Lot:
    """Runs the steps of each study; `interrompre()` stops every running child."""

    def __init__(
        self,
        etapes: tuple[str, ...] = ETAPES,
        travaux: int | None = None,
        memoire: str = "8GB",
        env: dict[str, str] | None = None,
    ) -> None:
        inconnues = [e for e in etapes if e not in ETAPES]
        if inconnues:
            raise ErreurConfiguration(
                f"étape inconnue : {', '.join(inconnues)} (attendu : {', '.join(ETAPES)})."
            )
        self.etapes = etapes
        self.travaux = max(1, travaux or os.cpu_count() or 1)
        par_etude = max(en_octets(memoire) // self.travaux, 256 * 2**20)
        base = env if env is not None else os.environ
        processus = str(max(1, (os.cpu_count() or 1) // self.travaux))
        self.env = {
            "PEUPLEMENT_SECRET_PROCESSUS": processus,
            **base,
            "PEUPLEMENT_MEMOIRE": f"{par_etude // 2**20}MB",
        }
        self._enfants: set[subprocess.Popen] = set()
        self._verrou = threading.Lock()
        self._arret = threading.Event()

    def executer(
        self, etudes: list[Path], fin: Callable[[ResultatEtude], None] | None = None
    ) -> list[ResultatEtude]:
        """Every study, `travaux` at a time; results in the studies' order."""
        with ThreadPoolExecutor(max_workers=self.travaux) as pool:
            futurs = [pool.submit(self._etude, e, fin) for e in etudes]
            return [f.result() for f in futurs]

    def interrompre(self) -> None:
        self._arret.set()
        with self._verrou:
            for enfant in self._enfants:
                if enfant.poll() is None:
                    os.killpg(enfant.pid, signal.SIGTERM)

    def _etude(self, dossier: Path, fin: Callable[[ResultatEtude], None] | None) -> ResultatEtude:
        resultat = ResultatEtude(dossier)
        journal = dossier / DOSSIER_JOURNAL
        journal.mkdir(exist_ok=True)
        for etape in self.etapes:
            if self._arret.is_set():
                resultat.message = "interrompu avant cette étude"
                break
            code, duree = self._lancer(etape, dossier, journal / f"lot_{etape}.log")
            resultat.etapes.append(Etape(etape, code, duree))
            if code != 0:
                resultat.message = (
                    f"« peuplement {etape} » a échoué (code {code}) : voir "
                    f"{journal / f'lot_{etape}.log'}"
                )
                break
        (journal / FICHIER_RESULTAT).write_text(
            json.dumps(
                {
                    "etapes": [
                        {"nom": e.nom, "code": e.code, "duree": e.duree} for e in resultat.etapes
                    ]
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        if fin:
            fin(resultat)
        return resultat

    def _lancer(self, etape: str, dossier: Path, chemin_journal: Path) -> tuple[int, float]:
        commande = [sys.executable, "-c", LANCEUR, etape, "--etude", str(dossier)]
        debut = time.perf_counter()
        with open(chemin_journal, "w", encoding="utf-8") as sortie:
            enfant = subprocess.Popen(
                commande,
                stdout=sortie,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,  # its own group: interrompre() stops dbt with it
            )
            with self._verrou:
                self._enfants.add(enfant)
            try:
                code = enfant.wait()
            finally:
                with self._verrou:
                    self._enfants.discard(enfant)
        return code, time.perf_counter() - debut
