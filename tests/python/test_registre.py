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
    assert [(e["operation"], e["resultat"]) for e in entrees] == [
        ("creation", "reussi"),
        ("chargement", "commence"),
        ("chargement", "reussi"),
    ]
    assert entrees[0]["operateur"] == "Testeur"
    chargement = entrees[2]
    assert chargement["donnees"].pop("debut") == 2
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


def test_export_for_the_dpo_in_french_local_time_printable(etude, tmp_path):
    import csv
    import re

    ecrire(etude, "X", "ops.xlsx", [ENTETE, ligne(1), ligne(2)])
    charger(charger_etude(etude))
    sortie = peuplement(
        "registre", "exporter", "--etude", str(etude), "--sortie", str(tmp_path / "r.xlsx")
    )
    assert sortie.returncode == 0, sortie.stderr
    feuille = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    lignes = list(feuille.iter_rows(values_only=True))
    entete = {r[0]: r[1] for r in lignes if r[0] and r[1]}
    assert entete["EPCI"] == "EPCI à renseigner (SIREN 246200364)"
    assert "Conférence intercommunale du logement" in entete["Destinataires des résultats"]
    assert entete["Personne en charge du traitement"] == "Testeur"
    assert entete["Vérification de la chaîne"].startswith("Registre intact : 3 entrée(s)")
    debut = next(i for i, r in enumerate(lignes) if r[0] == "N°")
    assert lignes[debut][:4] == ("N°", "Date et heure (Europe/Paris)", "Opérateur", "Opération")
    table = lignes[debut + 1 :]
    assert [(r[3], r[4]) for r in table] == [
        ("Création de l'étude", "Réussie"),
        ("Chargement de fichiers", "Commencée"),
        ("Chargement de fichiers", "Réussie"),
    ]
    assert all(
        re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d:\d\d \(UTC\+0[12]:00\)", r[1]) for r in table
    )
    donnees = table[2][6]
    assert "Fichiers : bailleurs/X/ops.xlsx (SHA-256 " in donnees, donnees
    assert "lignes lues 3, chargées 2, en quarantaine 0" in donnees and "{" not in donnees
    assert feuille.page_setup.orientation == "landscape" and feuille.print_title_rows
    Registre(etude).exporter(tmp_path / "r.csv")
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as f:
        rangs = list(csv.reader(f, delimiter=";"))
    assert rangs[0][3] == "Opération" and len(rangs) == 4 and rangs[1][3] == "Création de l'étude"


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
