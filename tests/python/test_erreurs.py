"""Bad input: a clear French error naming the file, a non-zero exit, and nothing written."""

import io

import pytest
from aides import ENTETE, base, ecrire, ligne, peuplement
from msoffcrypto.format.ooxml import OOXMLFile

from peuplement.chargement.chargeur import charger
from peuplement.erreurs import ErreurPeuplement
from peuplement.etude.configuration import charger_etude
from peuplement.protection.registre import Registre


def _erreur(etude) -> str:
    with pytest.raises(ErreurPeuplement) as exc:
        charger(charger_etude(etude))
    return str(exc.value)


def _rien_ecrit(etude):
    con = base(etude)
    for table in (
        "ops_lignes",
        "quarantaine",
        "anomalies",
        "lignes_ignorees",
        "fichiers",
        "rapport_chargement",
        "chargements",  # not even a row saying it failed: the register says it
    ):
        assert con.execute(f"select count(*) from raw.{table}").fetchone()[0] == 0, table
    derniere = Registre(etude).lire()[-1]
    assert (derniere["operation"], derniere["resultat"]) == ("chargement", "echec")


def test_corrupt_file(etude):
    (etude / "bailleurs" / "X").mkdir(parents=True)
    (etude / "bailleurs" / "X" / "ops.xlsx").write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    message = _erreur(etude)
    assert message.startswith("bailleurs/X/ops.xlsx : fichier illisible ou endommagé")
    _rien_ecrit(etude)


def test_password_protected_workbook(etude):
    chemin = ecrire(etude, "X", "ops.xlsx", [ENTETE, ligne(1)])
    chiffre = io.BytesIO()
    OOXMLFile(io.BytesIO(chemin.read_bytes())).encrypt("secret", chiffre)
    chemin.write_bytes(chiffre.getvalue())
    assert "protégé par un mot de passe" in _erreur(etude)
    _rien_ecrit(etude)


def test_empty_file_and_empty_sheet(etude):
    chemin = ecrire(etude, "X", "ops.xlsx", {"Vide": []})
    assert "ne contient aucune donnée" in _erreur(etude)
    ecrire(etude, "X", "ops.xlsx", [ENTETE])
    assert "aucune ligne de données sous l'en-tête" in _erreur(etude)
    chemin.write_bytes(b"")
    assert "le fichier est vide (0 octet)" in _erreur(etude)


def test_several_candidate_sheets(etude):
    ecrire(etude, "X", "ops.xlsx", {"2021": [ENTETE, ligne(1)], "2022": [ENTETE, ligne(2)]})
    message = _erreur(etude)
    assert "plusieurs feuilles contiennent un tableau de logements : « 2021 », « 2022 »" in message
    assert "bailleurs/X/correspondances.yml (feuille: ...)" in message
    (etude / "bailleurs" / "X" / "correspondances.yml").write_text("feuille: '2022'\n")
    resultat = charger(charger_etude(etude))
    assert resultat.fichiers[0].feuille == "2022"


def test_missing_required_column_names_it_and_suggests_the_closest_header(etude):
    entete = [e if e != "Situation familiale" else "Situation famil." for e in ENTETE]
    ecrire(etude, "X", "ops.xlsx", [["Titre"], entete, ligne(1)])
    message = _erreur(etude)
    assert message.startswith("bailleurs/X/ops.xlsx, feuille « Feuille1 » : en-tête ligne 2")
    assert (
        "« situation familiale » (champ situation_familiale) ; en-tête proche : « Situation famil. »"
        in message
    )
    assert "Colonnes trouvées : « N° logement »" in message
    assert 'colonnes: {"Situation famil.": situation_familiale}' in message
    _rien_ecrit(etude)


def test_no_header_at_all(etude):
    ecrire(etude, "X", "ops.csv", [["a", "b", "c"], ["1", "2", "3"]])
    assert "en-tête introuvable" in _erreur(etude)


def test_wrong_encoding(etude):
    rep = etude / "bailleurs" / "X"
    rep.mkdir(parents=True)
    texte = ";".join(ENTETE) + "\r\n" + ";".join(str(v) for v in ligne(1)) + "\r\n"
    (rep / "ops.csv").write_bytes(texte.encode("latin-1"))
    (rep / "correspondances.yml").write_text("encodage: utf-8\n")
    message = _erreur(etude)
    assert message.startswith(
        "bailleurs/X/ops.csv : ligne 1 : l'octet 0xB0 n'est pas valide pour l'encodage déclaré « utf-8 »"
    )
    (rep / "correspondances.yml").unlink()
    (rep / "ops.csv").write_bytes(texte.encode("utf-16"))
    assert "UTF-16" in _erreur(etude)


def test_invalid_mapping_file(etude):
    ecrire(
        etude,
        "X",
        "ops.xlsx",
        [ENTETE, ligne(1)],
        correspondances="colonnes:\n  Foo: situation_familal\n",
    )
    message = _erreur(etude)
    assert "champ « situation_familal » inconnu" in message
    assert "vouliez-vous dire situation_familiale" in message
    ecrire(
        etude,
        "X",
        "ops.xlsx",
        [ENTETE, ligne(1)],
        correspondances="valeurs:\n  situation_familiale:\n    Seul: solo\n",
    )
    assert "code « solo » inconnu ; codes attendus : personne_seule" in _erreur(etude)


def test_one_bad_file_loads_nothing_at_all(etude):
    ecrire(etude, "A", "ops.xlsx", [ENTETE, ligne(1), ligne(2)])
    (etude / "bailleurs" / "B").mkdir(parents=True)
    (etude / "bailleurs" / "B" / "ops.ods").write_bytes(b"garbage")
    _erreur(etude)
    _rien_ecrit(etude)


def test_cli_exit_code_and_message(etude):
    (etude / "bailleurs" / "X").mkdir(parents=True)
    (etude / "bailleurs" / "X" / "ops.xlsx").write_bytes(b"not a workbook")
    sortie = peuplement("charger", "--etude", str(etude))
    assert sortie.returncode == 2
    assert "Erreur :" in sortie.stderr and "bailleurs/X/ops.xlsx" in sortie.stderr
    sortie = peuplement("charger", "--etude", str(etude.parent / "absente"))
    assert sortie.returncode == 2 and "peuplement init" in sortie.stderr


def test_a_csv_of_200000_columns_is_refused_in_a_short_message(etude):
    """Refused as soon as it is read (the header is never looked for among its cells), with
    its width and what to check, not the list of its columns."""
    dossier = etude / "bailleurs" / "L"
    dossier.mkdir(parents=True)
    largeur = 200_000
    with open(dossier / "ops.csv", "w", encoding="utf-8") as f:
        f.write("N° logement;Occupation;" + ";".join(f"col{i}" for i in range(largeur)) + "\n")
        f.write("A1;Loué;" + ";".join("1" for _ in range(largeur)) + "\n")
    sortie = peuplement("charger", "--etude", str(etude))
    message = " ".join(sortie.stderr.split())
    assert sortie.returncode == 2 and "Traceback" not in sortie.stderr
    assert (
        "bailleurs/L/ops.csv : ligne 1 : 200 002 colonnes, au-delà des 1 000 "
        "qu'accepte le chargement" in message
    ), message
    assert "col7" not in message and len(message) < 500
    _rien_ecrit(etude)


def test_a_wide_file_lists_a_few_of_its_columns_only(etude):
    entete = ["N° logement", "Occupation", *(f"colonne_{i}" for i in range(200))]
    ecrire(etude, "A", "ops.xlsx", [entete, ["A1", "Loué", *range(200)]])
    message = _erreur(etude)
    assert "« colonne_27 » et 172 autre(s)" in message and "colonne_28" not in message
    assert "colonne(s) obligatoire(s) absente(s)" in message


def test_unreadable_memory_limit_is_a_french_error(etude, monkeypatch):
    ecrire(etude, "X", "ops.xlsx", [ENTETE, ligne(1)])
    monkeypatch.setenv("PEUPLEMENT_MEMOIRE", "beaucoup")
    assert "PEUPLEMENT_MEMOIRE = « beaucoup » n'est pas une quantité de mémoire" in _erreur(etude)
    _rien_ecrit(etude)
