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


# -- tampering: every case detected, with the study's key ----------------------------------------
CLE = "phrase secrète à accents, très longue"  # any passphrase works (derived key)


@pytest.fixture(scope="module")
def etude_scellee(tmp_path_factory):
    """A real (encrypted) study: created, loaded, and a few consultations recorded."""
    import os

    from peuplement.etude.configuration import initialiser_etude

    dossier = tmp_path_factory.mktemp("scellee") / "etude"
    os.environ["PEUPLEMENT_CLE"] = CLE
    try:
        initialiser_etude(dossier, nom="Scellée", code_epci="246200364", operateur="Testeur")
        ecrire(dossier, "X", "ops.xlsx", [ENTETE] + [ligne(i) for i in range(1, 20)])
        charger(charger_etude(dossier))
        registre = Registre(dossier)
        for k in range(4):
            registre.ajouter("acces", "Testeur", {"table": f"t{k}"}, "reussi", f"lecture {k}")
    finally:
        del os.environ["PEUPLEMENT_CLE"]
    return dossier


def _reecrire_sans_cle(entrees: list[dict]) -> list[dict]:
    """What an operator without the key can do: recompute every seal with plain SHA-256."""
    from peuplement.protection import registre as r

    precedente = r.ORIGINE
    for i, e in enumerate(entrees, start=1):
        e["numero"], e["empreinte_precedente"], e["sceau"] = i, precedente, r.SHA256
        e["empreinte"] = r._sceller(r._contenu(e), r.SHA256, None)
        precedente = e["empreinte"]
    return entrees


def _ecrire(chemin, entrees):
    chemin.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entrees))


def _ancre_sans_cle(dossier, entrees):
    from peuplement.protection import registre as r

    ancre = {"entrees": len(entrees), "empreinte": entrees[-1]["empreinte"], "sceau": r.SHA256}
    ancre["scellement"] = r._sceller(ancre, r.SHA256, None)
    (dossier / "registre" / "ancre.json").write_text(json.dumps(ancre))


def _modifier(d, e):
    e[3]["message"] = "consultation effacée"
    _ecrire(d / "registre" / "registre.jsonl", e)


def _modifier_et_resceller(d, e):
    e[3]["donnees"] = {"table": "autre"}
    _ecrire(d / "registre" / "registre.jsonl", _reecrire_sans_cle(e))
    _ancre_sans_cle(d, e)


def _supprimer_milieu(d, e):
    _ecrire(d / "registre" / "registre.jsonl", e[:3] + e[4:])


def _tronquer(d, e):
    _ecrire(d / "registre" / "registre.jsonl", e[:-2])


def _tronquer_sans_ancre(d, e):
    _ecrire(d / "registre" / "registre.jsonl", e[:-2])
    (d / "registre" / "ancre.json").unlink()


def _tronquer_et_reancrer(d, e):
    _ecrire(d / "registre" / "registre.jsonl", e[:-2])
    _ancre_sans_cle(d, e[:-2])


def _vider(d, e):
    (d / "registre" / "registre.jsonl").write_text("")


def _effacer(d, e):
    (d / "registre" / "registre.jsonl").unlink()
    (d / "registre" / "ancre.json").unlink()


def _tout_reecrire_sans_cle(d, e):
    e = _reecrire_sans_cle([x for x in e if x["operation"] != "acces"])
    _ecrire(d / "registre" / "registre.jsonl", e)
    _ancre_sans_cle(d, e)


def _intervertir(d, e):
    e[4], e[5] = e[5], e[4]
    _ecrire(d / "registre" / "registre.jsonl", e)


FALSIFICATIONS = {
    "entrée modifiée": (_modifier, "contenu modifié"),
    # recomputed without the key: the anchor inside the encrypted warehouse tells
    "entrée modifiée, chaîne recalculée sans la clé": (_modifier_et_resceller, "registre réécrit"),
    "entrée supprimée": (_supprimer_milieu, "numéro 5 au lieu de 4"),
    "dernières entrées coupées": (_tronquer, "tronqué"),
    "dernières entrées coupées, ancre supprimée": (_tronquer_sans_ancre, "ancre du registre"),
    "dernières entrées coupées, ancre refaite sans la clé": (_tronquer_et_reancrer, "ancre"),
    "registre vidé": (_vider, "registre vide"),
    "registre supprimé": (_effacer, "registre absent"),
    "chaîne entière réécrite sans la clé": (_tout_reecrire_sans_cle, "registre réécrit"),
    "entrées interverties": (_intervertir, "numéro"),
}


@pytest.mark.parametrize("cas", list(FALSIFICATIONS))
def test_every_tampering_is_detected_and_named(etude_scellee, tmp_path, monkeypatch, cas):
    import shutil

    dossier = tmp_path / "etude"
    shutil.copytree(etude_scellee, dossier)
    monkeypatch.setenv("PEUPLEMENT_CLE", CLE)
    assert Registre(dossier).verifier().intact
    falsifier, raison = FALSIFICATIONS[cas]
    falsifier(dossier, Registre(dossier).lire())
    verification = Registre(dossier).verifier()
    assert not verification.intact and raison in verification.raison, verification.raison
    sortie = peuplement("register", "--etude", str(dossier), "verify", env={"PEUPLEMENT_CLE": CLE})
    assert sortie.returncode == 1 and "Registre altéré" in sortie.stdout


def test_without_the_key_the_chain_still_holds_but_seals_are_not_checked(etude_scellee):
    verification = Registre(etude_scellee).verifier()
    assert verification.intact and verification.authentifiees == 0
    assert verification.non_verifiees == verification.entrees
    assert "définissez PEUPLEMENT_CLE" in verification.resume()


def test_a_header_row_of_personal_data_never_reaches_the_register(etude):
    personnel = ["L0001 Dupont Jean", "12 rue X", "0601020304", "Dupont", "Jean"]
    ecrire(etude, "X", "ops.xlsx", [personnel, ["L0002 Martin Paul", "3 rue Y", "0605060708"]])
    sortie = peuplement("load", "--etude", str(etude))
    assert sortie.returncode == 2 and "en-tête introuvable" in sortie.stderr
    texte = (etude / "registre" / "registre.jsonl").read_text(encoding="utf-8")
    for valeur in personnel + ["Martin", "0605060708"]:
        assert valeur not in texte
    derniere = Registre(etude).lire()[-1]
    assert derniere["resultat"] == "echec" and "en-tête introuvable" in derniere["message"]
    purge = peuplement("purge", "--etude", str(etude), "--yes")
    assert purge.returncode == 0 and "aucun reste" in purge.stdout, purge.stdout
    gardes = [p for p in etude.rglob("*") if p.is_file()]
    assert gardes and not any(
        v.encode() in p.read_bytes() for p in gardes for v in personnel + ["0605060708"]
    )


def test_a_wrong_passphrase_is_refused_and_recorded_without_breaking_the_chain(
    etude_scellee, tmp_path
):
    import shutil

    dossier = tmp_path / "etude"
    shutil.copytree(etude_scellee, dossier)
    sortie = peuplement("load", "--etude", str(dossier), env={"PEUPLEMENT_CLE": "pas la bonne"})
    assert sortie.returncode == 2 and "n'est pas celle de cette étude" in sortie.stderr
    derniere = Registre(dossier).lire()[-1]
    assert (
        derniere["resultat"] == "echec" and "n'est pas celle de cette étude" in derniere["message"]
    )
    assert derniere["sceau"] == "sha256"  # written without the key: said so, not hidden
    sortie = peuplement("register", "--etude", str(dossier), "verify", env={"PEUPLEMENT_CLE": CLE})
    assert sortie.returncode == 0, sortie.stdout
    texte = " ".join(sortie.stdout.split())
    assert "Registre intact" in texte and "2 écrite(s) sans la clé (non authentifiées)" in texte


@pytest.mark.parametrize(
    "ligne, raison",
    [
        (b"{pas du json\n", "ce n'est pas du JSON"),
        (b"[1, 2]\n", "ce n'est pas une entrée du registre"),
        (b"\xff\xfe\x00\n", "pas du texte UTF-8"),
    ],
)
def test_a_damaged_register_is_said_in_french_by_every_register_command(
    etude, tmp_path, ligne, raison
):
    registre = Registre(etude)
    with open(registre.chemin, "ab") as f:
        f.write(ligne)
    for commande in (
        ["registre", "--etude", str(etude)],
        ["registre", "verifier", "--etude", str(etude)],
        ["registre", "exporter", "--etude", str(etude), "--sortie", str(tmp_path / "r.xlsx")],
    ):
        sortie = peuplement(*commande)
        texte = sortie.stdout + sortie.stderr
        assert sortie.returncode == 1, (commande, texte)
        assert "Registre altéré" in texte and "Traceback" not in texte, (commande, texte)
        assert commande[1] == "verifier" or (raison in texte and "ligne 2" in texte), texte
    assert not (tmp_path / "r.xlsx").exists()
