"""The processing register (« registre des opérations de traitement », annex 1 of the convention).

One JSON object per line in `<etude>/registre/registre.jsonl`: date and time, operator, type of
operation, data concerned (files with their SHA-256, tables, row counts), outcome. Append-only
and tamper-evident: every entry carries the SHA-256 of the previous one and its own, so that
`verifier` finds the first entry that was changed, removed or inserted. No personal data: only
file names, hashes, table names and counts. It lives outside the warehouse and survives the purge.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..erreurs import ErreurConfiguration

DOSSIER = "registre"
FICHIER = "registre.jsonl"
ORIGINE = "0" * 64
CHAMPS = ("numero", "horodatage", "operateur", "operation", "donnees", "resultat", "message")


def _empreinte(entree: dict) -> str:
    contenu = {k: entree[k] for k in (*CHAMPS, "empreinte_precedente")}
    texte = json.dumps(contenu, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


@dataclass
class Verification:
    intact: bool
    entrees: int
    rupture: int | None = None  # number (1-based line) of the first entry that does not hold
    raison: str = ""


class Registre:
    def __init__(self, dossier_etude: Path):
        self.chemin = Path(dossier_etude) / DOSSIER / FICHIER

    def lire(self) -> list[dict]:
        if not self.chemin.exists():
            return []
        with open(self.chemin, encoding="utf-8") as f:
            return [json.loads(ligne) for ligne in f if ligne.strip()]

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
        entrees = self.lire()
        precedente = entrees[-1]["empreinte"] if entrees else ORIGINE
        entree = {
            "numero": len(entrees) + 1,
            "horodatage": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
            "operateur": operateur.strip(),
            "operation": operation,
            "donnees": donnees or {},
            "resultat": resultat,
            "message": message,
            "empreinte_precedente": precedente,
        }
        entree["empreinte"] = _empreinte(entree)
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        with open(self.chemin, "a", encoding="utf-8") as f:
            f.write(json.dumps(entree, ensure_ascii=False, sort_keys=True) + "\n")
        return entree

    def verifier(self) -> Verification:
        """Walk the chain: each entry's hash, its link to the previous one, its number."""
        try:
            entrees = self.lire()
        except json.JSONDecodeError as exc:
            return Verification(False, 0, exc.lineno, "ligne illisible (JSON invalide)")
        precedente = ORIGINE
        for i, entree in enumerate(entrees, start=1):
            if set(entree) != {*CHAMPS, "empreinte_precedente", "empreinte"}:
                return Verification(False, len(entrees), i, "champs modifiés")
            if entree["numero"] != i:
                return Verification(
                    False, len(entrees), i, f"numéro {entree['numero']} au lieu de {i}"
                )
            if entree["empreinte_precedente"] != precedente:
                return Verification(
                    False,
                    len(entrees),
                    i,
                    "ne suit pas l'entrée précédente "
                    "(entrée supprimée, insérée ou modifiée avant elle)",
                )
            if _empreinte(entree) != entree["empreinte"]:
                return Verification(False, len(entrees), i, "contenu modifié après écriture")
            precedente = entree["empreinte"]
        return Verification(True, len(entrees))

    def exporter(self, chemin: Path) -> Path:
        """The register as a spreadsheet (.xlsx) or CSV, for the landlord who asks."""
        chemin = Path(chemin)
        lignes = [
            [
                e["numero"],
                e["horodatage"],
                e["operateur"],
                e["operation"],
                e["resultat"],
                e["message"],
                json.dumps(e["donnees"], ensure_ascii=False),
                e["empreinte"],
            ]
            for e in self.lire()
        ]
        entete = [
            "N°",
            "Date et heure",
            "Opérateur",
            "Opération",
            "Résultat",
            "Message",
            "Données concernées",
            "Empreinte SHA-256",
        ]
        if chemin.suffix.lower() == ".xlsx":
            import xlsxwriter

            classeur = xlsxwriter.Workbook(str(chemin))
            feuille = classeur.add_worksheet("Registre")
            gras = classeur.add_format({"bold": True})
            feuille.write_row(0, 0, entete, gras)
            for i, ligne in enumerate(lignes, start=1):
                feuille.write_row(i, 0, ligne)
            feuille.freeze_panes(1, 0)
            feuille.autofilter(0, 0, max(len(lignes), 1), len(entete) - 1)
            for j, largeur in enumerate((6, 26, 24, 14, 10, 50, 60, 66)):
                feuille.set_column(j, j, largeur)
            classeur.close()
        else:
            with open(chemin, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, delimiter=";")
                w.writerow(entete)
                w.writerows(lignes)
        return chemin
