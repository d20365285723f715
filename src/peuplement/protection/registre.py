"""The processing register (« registre des opérations de traitement », annex 1 of the convention).

One JSON object per line in `<etude>/registre/registre.jsonl`: date and time, operator, type of
operation, data concerned (files with their SHA-256, tables, row counts), outcome. No personal
data: only file names, hashes, table names and counts; messages of failed operations never quote
a file's content (`message_registre`). It lives outside the warehouse and survives the purge.

Tamper-evident: each entry is sealed with HMAC-SHA256 under the study's register key (derived
from its passphrase, see `chiffrement`) over its content and the previous entry's seal, so an
entry cannot be changed, removed, inserted or the chain rewritten without the key. Entries
written without the key (demonstration study, missing passphrase) are sealed with plain SHA-256
and reported as such. An anchor (entry count and last seal) is kept beside the register
(`ancre.json`, sealed too), inside the warehouse (`raw.registre_ancre`) and in each export's
manifest: truncation, emptying or deletion of the register are detected against them.

Operations are recorded when they start and when they end (`operation`): an operation killed on
the way (kill -9, power cut) is found started-and-not-finished by the next one and recorded as
interrupted. Appends are serialised by a lock file and written with one `write` then `fsync`;
a write that fails (disk full) is undone, never left half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import (
    ErreurConfiguration,
    ErreurEspace,
    ErreurFichier,
    ErreurPeuplement,
    disque_plein,
)

DOSSIER = "registre"
FICHIER = "registre.jsonl"
FICHIER_ANCRE = "ancre.json"
FICHIER_VERROU = ".verrou"
ORIGINE = "0" * 64
CHAMPS = ("numero", "horodatage", "operateur", "operation", "donnees", "resultat", "message")
HMAC_SHA256, SHA256 = "hmac-sha256", "sha256"
COMMENCE, INTERROMPU = "commence", "interrompu"


class ErreurRegistre(ErreurConfiguration):
    """The register file cannot be read as a register (damaged or edited): `ligne` is the first
    line that fails."""

    def __init__(self, message: str, ligne: int, raison: str = "lecture impossible"):
        super().__init__(message)
        self.ligne, self.raison = ligne, raison


# -- seals ------------------------------------------------------------------------------------
def _texte(contenu: dict) -> bytes:
    return json.dumps(contenu, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _sceller(contenu: dict, sceau: str, cle: bytes | None) -> str:
    if sceau == HMAC_SHA256:
        return hmac.new(cle, _texte(contenu), hashlib.sha256).hexdigest()
    return hashlib.sha256(_texte(contenu)).hexdigest()


def _contenu(entree: dict) -> dict:
    """What the seal covers: every field but the seal itself (entries written before seals
    were keyed have no `sceau` field)."""
    champs = (*CHAMPS, "empreinte_precedente") + (("sceau",) if "sceau" in entree else ())
    return {k: entree[k] for k in champs}


def cle_du_registre(dossier_etude: Path) -> bytes | None:
    """The register key: given by `peuplement build` to dbt, else derived from the passphrase
    (None without a passphrase, or with one that is not the study's). A study that has neither
    derivation file nor warehouse gets its derivation file here, so that its first entries are
    keyed; a warehouse from before key derivation is migrated by `chiffrement.cle_entrepot`."""
    import os

    from .chiffrement import ErreurCle, cle, cle_registre_environnement, cles_etude

    environnement = cle_registre_environnement()
    if environnement:
        return environnement
    dossier_etude = Path(dossier_etude)
    creer = (dossier_etude / "etude.yml").exists() and not (
        dossier_etude / "entrepot" / "peuplement.duckdb"
    ).exists()
    # `keys changer` writes its entry once the new passphrase is in place
    for phrase in (cle(_nom_etude(dossier_etude)), os.environ.get("PEUPLEMENT_NOUVELLE_CLE")):
        if not phrase:
            continue
        try:
            cles = cles_etude(dossier_etude, phrase, creer=creer)
        except ErreurCle:
            continue
        return cles.registre if cles else None
    return None


def _nom_etude(dossier_etude: Path) -> str | None:
    try:
        import yaml

        d = yaml.safe_load((Path(dossier_etude) / "etude.yml").read_text(encoding="utf-8"))
        return str(d.get("etude")) if isinstance(d, dict) and d.get("etude") else None
    except Exception:  # unreadable settings: the keyring entry is then unknown
        return None


# -- what a failed operation says -------------------------------------------------------------
# greedy: a value holding the closing mark is masked too (at the cost of the text in between)
_CITATIONS = (
    (re.compile(r"\[.*\]"), "[…]"),
    (re.compile(r"«.*»"), "« … »"),
    (re.compile(r'".*"'), '"…"'),
)


def masquer(texte: str) -> str:
    """Every quoted fragment of a message (« … », [...], "...") masked: what a file holds never
    reaches the register."""
    for motif, remplacement in _CITATIONS:
        texte = motif.sub(remplacement, texte)
    return texte


def message_registre(exc: BaseException) -> str:
    """The register's account of an error: the file and the reason, never a cell's value."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return "commande interrompue (Ctrl+C ou signal d'arrêt) avant la fin"
    if isinstance(exc, ErreurEspace):
        return str(exc)[:2000]
    if not isinstance(exc, ErreurPeuplement) and disque_plein(exc):
        return "disque plein : écriture impossible, rien n'a été gardé de l'opération"
    if isinstance(exc, ErreurFichier):
        reste = str(exc)[len(exc.fichier) :]
        return (exc.fichier + masquer(reste))[:2000]
    if isinstance(exc, ErreurPeuplement):
        return masquer(str(exc))[:2000]
    return f"erreur inattendue ({type(exc).__name__}) : signalez-la avec le journal de la commande"


# -- processes --------------------------------------------------------------------------------
def _debut_processus(pid: int) -> str | None:
    """The start time of a process (from /proc), which tells a live process from a reused pid."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def processus_courant() -> dict:
    return {"pid": os.getpid(), "debut": _debut_processus(os.getpid())}


def _vivant(processus: dict) -> bool:
    pid = processus.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    debut = _debut_processus(pid)
    return debut is None or processus.get("debut") in (None, debut)


# -- the register -----------------------------------------------------------------------------
@dataclass
class Verification:
    intact: bool
    entrees: int
    rupture: int | None = None  # number (1-based line) of the first entry that does not hold
    raison: str = ""
    authentifiees: int = 0  # entries whose HMAC was checked with the study's key
    non_authentifiees: list[int] = field(default_factory=list)  # sealed without the key
    non_verifiees: int = 0  # keyed entries not checked (no key given)
    ancres: list[str] = field(default_factory=list)  # anchors checked, in words
    ouvertes: list[int] = field(default_factory=list)  # started, no end recorded (yet)

    def resume(self) -> str:
        """The verification in French, for the screen."""
        if not self.intact:
            return f"Registre altéré à l'entrée {self.rupture} : {self.raison}."
        morceaux = [f"Registre intact : {self.entrees} entrée(s), chaîne d'empreintes vérifiée"]
        if self.authentifiees:
            morceaux.append(f"{self.authentifiees} authentifiée(s) avec la clé de l'étude (HMAC)")
        if self.non_verifiees:
            morceaux.append(
                f"{self.non_verifiees} scellée(s) avec la clé mais non vérifiée(s) : "
                "définissez PEUPLEMENT_CLE pour les authentifier"
            )
        if self.non_authentifiees:
            morceaux.append(
                f"{len(self.non_authentifiees)} écrite(s) sans la clé (non authentifiées) : "
                f"n° {_plages(self.non_authentifiees)}"
            )
        if self.ancres:
            morceaux.append("ancres concordantes : " + " ; ".join(self.ancres))
        if self.ouvertes:
            morceaux.append(
                f"opération(s) en cours ou sans fin inscrite : n° {_plages(self.ouvertes)}"
            )
        return " ; ".join(morceaux) + "."


def _plages(numeros: list[int]) -> str:
    return ", ".join(str(n) for n in numeros[:20]) + (" …" if len(numeros) > 20 else "")


@dataclass
class Suivi:
    """What an operation in progress will record when it ends."""

    debut: int
    donnees: dict = field(default_factory=dict)
    resultat: str = "reussi"
    message: str = ""


class Registre:
    def __init__(self, dossier_etude: Path, cle: bytes | None = None):
        self.dossier = Path(dossier_etude)
        self.chemin = self.dossier / DOSSIER / FICHIER
        self.chemin_ancre = self.dossier / DOSSIER / FICHIER_ANCRE
        self._cle = cle
        self._cle_cherchee = cle is not None

    @property
    def cle(self) -> bytes | None:
        if not self._cle_cherchee:
            self._cle, self._cle_cherchee = cle_du_registre(self.dossier), True
        return self._cle

    # -- reading -------------------------------------------------------------------------------
    def lire(self) -> list[dict]:
        """Every entry; a line that is not a JSON object in UTF-8 (the file was damaged or
        edited) raises ErreurRegistre naming the line, never a Python error."""
        if not self.chemin.exists():
            return []
        try:
            octets = self.chemin.read_bytes()
        except OSError as exc:
            raise ErreurRegistre(
                f"{self.chemin} : lecture impossible ({exc.strerror or exc})", 1
            ) from exc
        entrees = []
        for i, brute in enumerate(octets.split(b"\n"), start=1):
            if not brute.strip():
                continue
            try:
                entree = json.loads(brute.decode("utf-8"))
            except UnicodeDecodeError:
                raise self._illisible(i, "octets qui ne sont pas du texte UTF-8") from None
            except json.JSONDecodeError:
                raise self._illisible(i, "ce n'est pas du JSON") from None
            if not isinstance(entree, dict):
                raise self._illisible(i, "ce n'est pas une entrée du registre")
            entrees.append(entree)
        return entrees

    def _illisible(self, ligne: int, raison: str) -> ErreurRegistre:
        return ErreurRegistre(
            f"{self.chemin} : ligne {ligne} illisible ({raison}) : le registre a été altéré ; "
            "vérifiez-le avec « peuplement registre verifier » et restaurez-le depuis une "
            "sauvegarde",
            ligne,
            raison,
        )

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _verrou(self) -> Iterator[None]:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        with open(self.chemin.parent / FICHIER_VERROU, "a") as f:
            try:
                import fcntl

                fcntl.flock(f, fcntl.LOCK_EX)
            except ImportError:  # not POSIX: appends are not serialised
                pass
            yield

    def ajouter(
        self,
        operation: str,
        operateur: str,
        donnees: dict | None = None,
        resultat: str = "reussi",
        message: str = "",
    ) -> dict:
        """Append one entry (the operator is required: the register never has an anonymous line)."""
        if not operateur or not operateur.strip():
            raise ErreurConfiguration(
                "opérateur inconnu : renseignez « operateur » dans etude.yml ou passez --operateur "
                "(le registre des opérations doit nommer la personne en charge du traitement)"
            )
        with self._verrou():
            return self._ajouter(self.lire(), operation, operateur, donnees, resultat, message)

    def _ajouter(self, entrees, operation, operateur, donnees, resultat, message) -> dict:
        cle = self.cle
        entree = {
            "numero": len(entrees) + 1,
            "horodatage": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
            "operateur": operateur.strip(),
            "operation": operation,
            "donnees": donnees or {},
            "resultat": resultat,
            "message": message,
            "empreinte_precedente": entrees[-1]["empreinte"] if entrees else ORIGINE,
            "sceau": HMAC_SHA256 if cle else SHA256,
        }
        entree["empreinte"] = _sceller(_contenu(entree), entree["sceau"], cle)
        self._ecrire_ligne(json.dumps(entree, ensure_ascii=False, sort_keys=True) + "\n")
        entrees.append(entree)
        self._ecrire_ancre(entree, cle)
        return entree

    def _ecrire_ligne(self, ligne: str) -> None:
        """One write then fsync; a partial write (disk full) is cut back off."""
        octets = ligne.encode("utf-8")
        fd = os.open(self.chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        taille = os.fstat(fd).st_size
        try:
            ecrits = os.write(fd, octets)
            if ecrits != len(octets):
                raise OSError(errno.ENOSPC, "écriture partielle")
            os.fsync(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, taille)
            if disque_plein(exc):
                raise ErreurEspace(
                    f"{self.chemin.parent} : disque plein, le registre ne peut pas être écrit "
                    f"(il faut au moins {len(octets)} octets libres) ; libérez de la place et "
                    "relancez : rien n'a été écrit"
                ) from exc
            raise
        finally:
            os.close(fd)

    def _ecrire_ancre(self, entree: dict, cle: bytes | None) -> None:
        """Advance the anchor; an entry sealed without the key never replaces a keyed anchor
        (so a plain SHA-256 anchor beside keyed entries can only be a forgery)."""
        if cle is None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if json.loads(self.chemin_ancre.read_text("utf-8")).get("sceau") == HMAC_SHA256:
                    return
        ancre = {"entrees": entree["numero"], "empreinte": entree["empreinte"]}
        ancre["sceau"] = HMAC_SHA256 if cle else SHA256
        ancre["scellement"] = _sceller(ancre, ancre["sceau"], cle)
        provisoire = self.chemin_ancre.with_name(FICHIER_ANCRE + ".tmp")
        try:
            with open(provisoire, "w", encoding="utf-8") as f:
                json.dump(ancre, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(provisoire, self.chemin_ancre)
        except OSError:  # the entry is written; a stale anchor only weakens truncation checks
            with contextlib.suppress(OSError):
                provisoire.unlink()

    def ancre(self) -> dict:
        """The anchor to keep elsewhere (warehouse, export manifest): entry count, last seal."""
        entrees = self.lire()
        return {
            "entrees": len(entrees),
            "empreinte": entrees[-1]["empreinte"] if entrees else ORIGINE,
        }

    # -- operations ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def operation(
        self, operation: str, operateur: str, donnees: dict | None = None, message: str = ""
    ) -> Iterator[Suivi]:
        """Record an operation when it starts and when it ends, whatever happens: success,
        refusal (ErreurPeuplement), disk full, crash, Ctrl+C or SIGTERM. An operation killed
        without a chance to record its end is recorded as interrupted by the next one."""
        with self._verrou():
            entrees = self.lire()
            self._constater_interruptions(entrees, operateur)
            debut = self._ajouter(
                entrees,
                operation,
                operateur,
                {**(donnees or {}), "processus": processus_courant()},
                COMMENCE,
                message or "opération commencée",
            )
        suivi = Suivi(debut["numero"])
        with _sigterm_en_sortie():
            try:
                yield suivi
            except BaseException as exc:
                if isinstance(exc, SystemExit) and exc.code in (0, None):
                    self._fin(operation, operateur, suivi, suivi.resultat, suivi.message)
                else:
                    interrompu = isinstance(exc, (KeyboardInterrupt, SystemExit))
                    resultat = INTERROMPU if interrompu else _resultat_erreur(exc)
                    self._fin(operation, operateur, suivi, resultat, message_registre(exc))
                raise
            self._fin(operation, operateur, suivi, suivi.resultat, suivi.message)

    def _fin(self, operation, operateur, suivi: Suivi, resultat: str, message: str) -> None:
        self.ajouter(
            operation, operateur, {"debut": suivi.debut, **suivi.donnees}, resultat, message
        )

    def _constater_interruptions(self, entrees: list[dict], operateur: str) -> None:
        for entree in ouvertes(entrees):
            if _vivant(entree["donnees"].get("processus") or {}):
                continue
            self._ajouter(
                entrees,
                entree["operation"],
                operateur,
                {"debut": entree["numero"]},
                INTERROMPU,
                f"opération n° {entree['numero']} commencée le "
                f"{entree['horodatage'][:19].replace('T', ' à ')} sans fin inscrite : la commande a "
                "été arrêtée avant de finir (arrêt forcé, coupure) ; constaté par la commande suivante",
            )

    def exporter(self, chemin: Path) -> Path:
        """The register for a landlord or the DPO: printable xlsx, or CSV (see registre_dpo)."""
        from .registre_dpo import exporter

        return exporter(self, chemin)

    # -- verification --------------------------------------------------------------------------
    def verifier(self, ancres: list[tuple[str, dict]] | None = None) -> Verification:
        """Walk the chain (each entry's seal, its link to the previous one, its number), then
        compare it with its anchors: the one beside it and, unless `ancres` is given, those of
        the export manifest and of the warehouse."""
        try:
            entrees = self.lire()
        except ErreurRegistre as exc:
            return Verification(False, 0, exc.ligne, f"ligne illisible ({exc.raison})")
        cle = self.cle
        v = Verification(True, len(entrees))
        if not entrees:
            if (self.dossier / "etude.yml").exists():
                etat = "vide" if self.chemin.exists() else "absent"
                return Verification(
                    False,
                    0,
                    1,
                    f"registre {etat} (supprimé ou vidé ?) : une étude a un registre "
                    "dès sa création",
                )
            return v
        precedente = ORIGINE
        for i, entree in enumerate(entrees, start=1):
            attendus = {*CHAMPS, "empreinte_precedente", "empreinte"}
            if set(entree) not in (attendus, attendus | {"sceau"}):
                return _rompue(v, i, "champs modifiés")
            if entree["numero"] != i:
                return _rompue(v, i, f"numéro {entree['numero']} au lieu de {i}")
            if entree["empreinte_precedente"] != precedente:
                return _rompue(
                    v,
                    i,
                    "ne suit pas l'entrée précédente (entrée supprimée, insérée ou "
                    "modifiée avant elle)",
                )
            sceau = entree.get("sceau", SHA256)
            if sceau == HMAC_SHA256 and cle is None:
                v.non_verifiees += 1
            elif sceau not in (HMAC_SHA256, SHA256):
                return _rompue(v, i, f"sceau « {sceau} » inconnu")
            elif _sceller(_contenu(entree), sceau, cle) != entree["empreinte"]:
                return _rompue(v, i, "contenu modifié après écriture")
            elif sceau == HMAC_SHA256:
                v.authentifiees += 1
            else:
                v.non_authentifiees.append(i)
            precedente = entree["empreinte"]
        rupture = self._verifier_ancre_locale(entrees, cle)
        if rupture:
            return _rompue(v, *rupture)
        for nom, ancre in self._ancres_externes() if ancres is None else ancres:
            rupture = _confronter(entrees, ancre, nom)
            if rupture:
                return _rompue(v, *rupture)
            v.ancres.append(nom)
        v.ouvertes = [e["numero"] for e in ouvertes(entrees)]
        return v

    def _verifier_ancre_locale(self, entrees: list[dict], cle: bytes | None):
        if not self.chemin_ancre.exists():
            if any("sceau" in e for e in entrees):
                return len(entrees), f"ancre du registre ({FICHIER_ANCRE}) supprimée"
            return None  # a register written before anchors existed
        try:
            ancre = json.loads(self.chemin_ancre.read_text(encoding="utf-8"))
            contenu = {k: ancre[k] for k in ("entrees", "empreinte", "sceau")}
            sceau = ancre["sceau"]
        except (ValueError, KeyError, TypeError):
            return len(entrees), f"ancre du registre ({FICHIER_ANCRE}) illisible"
        if sceau == HMAC_SHA256 and cle is None:
            pass  # checked against the register only
        elif sceau not in (HMAC_SHA256, SHA256) or (
            _sceller(contenu, sceau, cle) != ancre.get("scellement")
        ):
            return len(entrees), f"ancre du registre ({FICHIER_ANCRE}) modifiée"
        if cle and sceau == SHA256 and any(e.get("sceau") == HMAC_SHA256 for e in entrees):
            return len(entrees), f"ancre du registre ({FICHIER_ANCRE}) réécrite sans la clé"
        return _confronter(entrees, contenu, "ancre du registre")

    def _ancres_externes(self) -> list[tuple[str, dict]]:
        """The export manifest's anchor and the warehouse's (when it can be read)."""
        ancres = []
        manifeste = self.dossier / "exports" / "manifeste.json"
        if manifeste.is_file():
            with contextlib.suppress(ValueError, KeyError, TypeError, OSError):
                ancre = json.loads(manifeste.read_text(encoding="utf-8"))["registre"]
                ancres.append(("manifeste des exports", ancre))
        from ..etude.entrepot import lire_ancre_registre

        ancre = lire_ancre_registre(self.dossier)
        if ancre:
            ancres.append(("entrepôt chiffré", ancre))
        return ancres


def _rompue(v: Verification, rupture: int, raison: str) -> Verification:
    return Verification(False, v.entrees, rupture, raison)


def _confronter(entrees: list[dict], ancre: dict, nom: str):
    """(entry, reason) when the register does not hold what an anchor attests."""
    try:
        n, empreinte = int(ancre["entrees"]), str(ancre["empreinte"])
    except (KeyError, TypeError, ValueError):
        return len(entrees), f"{nom} : ancre illisible"
    if n == 0:
        return None
    if len(entrees) < n:
        return (
            len(entrees) + 1,
            f"registre tronqué : {nom} atteste {n} entrée(s), il n'en reste que {len(entrees)}",
        )
    if entrees[n - 1]["empreinte"] != empreinte:
        return n, f"registre réécrit : l'entrée {n} n'est pas celle qu'atteste {nom}"
    return None


def ouvertes(entrees: list[dict]) -> list[dict]:
    """Entries of operations started and not (yet) ended."""
    finies = {e["donnees"].get("debut") for e in entrees if isinstance(e.get("donnees"), dict)}
    return [e for e in entrees if e.get("resultat") == COMMENCE and e["numero"] not in finies]


def _resultat_erreur(exc: BaseException) -> str:
    from ..erreurs import ErreurConvention

    return "refuse" if isinstance(exc, ErreurConvention) else "echec"


@contextlib.contextmanager
def _sigterm_en_sortie() -> Iterator[None]:
    """SIGTERM ends the command through Python (so the register records it) unless the
    command installed its own handler."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def arreter(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, arreter)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
