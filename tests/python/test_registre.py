"""The processing register: every operation recorded, tamper-evident, exportable; the
convention's end date enforced."""

import datetime as dt
import json

import openpyxl
import pytest
from aides import ENTETE, base, ecrire, ligne, peuplement

from peuplement.chargement.chargeur import charger
from peuplement.erreurs import ErreurConvention
from peuplement.etude.configuration import charger_etude
from peuplement.protection.registre import Registre


def test_creation_and_loads_are_recorded_with_file_hashes(etude):
    ecrire(etude, "X", "ops.xlsx", [ENTETE, ligne(1), ligne(2)])
    charger(charger_etude(etude), operateur="Opératrice B")
    entrees = Registre(etude).lire()
    assert [e["operation"] for e in entrees] == ["creation", "chargement"]
    assert entrees[0]["operateur"] == "Testeur"
    chargement = entrees[1]
    assert (chargement["operateur"], chargement["resultat"]) == ("Opératrice B", "reussi")
    sha = base(etude).execute("select fichier_sha256 from raw.fichiers").fetchone()[0]
    assert chargement["donnees"]["fichiers"] == [
        {
            "fichier": "bailleurs/X/ops.xlsx",
            "sha256": sha,
            "statut": "charge",
            "lignes_lues": 3,
            "lignes_chargees": 2,
            "lignes_quarantaine": 0,
        }
    ]
    assert "raw.ops_lignes" in chargement["donnees"]["tables"]
    texte = (etude / "registre" / "registre.jsonl").read_text(encoding="utf-8")
    assert "L0001" not in texte  # no row content, only names, hashes and counts
    assert Registre(etude).verifier().intact


def test_a_failed_load_is_recorded_too(etude):
    (etude / "bailleurs" / "X").mkdir(parents=True)
    (etude / "bailleurs" / "X" / "ops.xlsx").write_bytes(b"not a workbook")
    assert peuplement("charger", "--etude", str(etude)).returncode == 2
    derniere = Registre(etude).lire()[-1]
    assert (derniere["operation"], derniere["resultat"]) == ("chargement", "echec")
    assert "fichier illisible" in derniere["message"]


def test_tampering_is_detected_and_located(etude):
    registre = Registre(etude)
    for k in range(3):
        registre.ajouter("acces", "Testeur", {"table": f"t{k}"}, "reussi", f"consultation {k}")
    lignes = registre.chemin.read_text(encoding="utf-8").splitlines()
    modifiee = json.loads(lignes[2])
    modifiee["message"] = "consultation effacée"
    registre.chemin.write_text("\n".join(lignes[:2] + [json.dumps(modifiee)] + lignes[3:]) + "\n")
    verification = registre.verifier()
    assert (verification.intact, verification.rupture) == (False, 3)
    assert verification.raison == "contenu modifié après écriture"
    sortie = peuplement("registre", "verifier", "--etude", str(etude))
    assert (
        sortie.returncode == 1
        and "Registre altéré" in sortie.stdout
        and "entrée 3" in sortie.stdout
    )
    registre.chemin.write_text("\n".join(lignes[:1] + lignes[2:]) + "\n")  # an entry removed
    verification = registre.verifier()
    assert (verification.intact, verification.rupture) == (False, 2)


def test_the_register_never_has_an_anonymous_entry(etude):
    with pytest.raises(Exception, match="opérateur inconnu"):
        Registre(etude).ajouter("acces", "  ")


def test_export_to_xlsx_and_csv(etude, tmp_path):
    Registre(etude).ajouter("acces", "Testeur", {"table": "raw.ops_lignes"}, "reussi", "lecture")
    sortie = peuplement(
        "registre", "exporter", "--etude", str(etude), "--sortie", str(tmp_path / "r.xlsx")
    )
    assert sortie.returncode == 0, sortie.stderr
    feuille = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][:4] == ("N°", "Date et heure", "Opérateur", "Opération")
    assert [r[3] for r in lignes[1:]] == ["creation", "acces"]
    Registre(etude).exporter(tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") == 3


def test_loads_are_refused_after_the_end_of_the_convention(etude):
    chemin = etude / "etude.yml"
    texte = chemin.read_text(encoding="utf-8")
    fin = [ligne for ligne in texte.splitlines() if ligne.strip().startswith("fin:")][0]
    chemin.write_text(texte.replace(fin, "  fin: 2024-12-31"), encoding="utf-8")
    ecrire(etude, "X", "ops.xlsx", [ENTETE, ligne(1)])
    with pytest.raises(ErreurConvention, match="a pris fin le 31/12/2024"):
        charger(charger_etude(etude))
    assert Registre(etude).lire()[-1]["resultat"] == "refuse"
    assert not (etude / "entrepot" / "peuplement.duckdb").exists()
    # an extension of 12 months at most moves the limit, and the last 60 days warn
    chemin.write_text(chemin.read_text().replace("prolongation_mois: 0", "prolongation_mois: 12"))
    etude_prolongee = charger_etude(etude)
    assert etude_prolongee.date_limite == dt.date(2025, 12, 31)
    assert "prend fin le 31/12/2025" in etude_prolongee.verifier_convention(dt.date(2025, 11, 15))
    assert etude_prolongee.verifier_convention(dt.date(2025, 1, 15)) is None
