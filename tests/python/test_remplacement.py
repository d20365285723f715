"""Deliveries over time: the same file adds nothing, a newer one replaces the older and says so."""

from aides import ENTETE, base, ecrire, ligne

from peuplement.chargement.chargeur import charger
from peuplement.etude.configuration import charger_etude


def _charger(etude):
    return charger(charger_etude(etude))


def test_newer_file_replaces_older_one_and_says_so(etude):
    ancien = ecrire(etude, "X", "ops_v1.xlsx", [ENTETE, ligne(1), ligne(2)])
    _charger(etude)
    ancien.unlink()
    ecrire(etude, "X", "ops_v2.xlsx", [ENTETE, ligne(1), ligne(2), ligne(3)])
    resultat = _charger(etude)
    statuts = {r.fichier: (r.statut, r.message) for r in resultat.fichiers}
    assert statuts["bailleurs/X/ops_v1.xlsx"] == ("retire", "remplacé par la nouvelle livraison")
    assert statuts["bailleurs/X/ops_v2.xlsx"] == ("charge", "remplace ops_v1.xlsx")
    con = base(etude)
    assert con.execute("select distinct fichier from raw.ops_lignes").fetchall() == [
        ("bailleurs/X/ops_v2.xlsx",)
    ]
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == 3
    assert con.execute(
        "select nom_fichier, actif, retire_par is not null from raw.fichiers order by charge_le, nom_fichier"
    ).fetchall() == [("ops_v1.xlsx", False, True), ("ops_v2.xlsx", True, False)]


def test_same_content_under_two_names_is_loaded_once(etude):
    ecrire(etude, "X", "a.csv", [ENTETE, ligne(1)])
    ecrire(etude, "X", "b.csv", [ENTETE, ligne(1)])
    resultat = _charger(etude)
    assert sorted(r.statut for r in resultat.fichiers) == ["charge", "deja_charge"]
    assert base(etude).execute("select count(*) from raw.ops_lignes").fetchone()[0] == 1


def test_changed_mapping_file_reloads_the_delivery(etude):
    entete = [e if e != "Situation familiale" else "Typo" for e in ENTETE]
    ecrire(
        etude,
        "X",
        "ops.xlsx",
        [entete, ligne(1), ligne(2, situation="Solo")],
        correspondances="colonnes:\n  Typo: situation_familiale\n",
    )
    premier = _charger(etude).fichiers[0]
    assert (premier.rows_loaded, premier.avertissements) == (2, {"CODE_INCONNU": 1})
    (etude / "bailleurs" / "X" / "correspondances.yml").write_text(
        "colonnes:\n  Typo: situation_familiale\nvaleurs:\n  situation_familiale:\n    Solo: personne_seule\n"
    )
    resultat = _charger(etude)
    assert [r.statut for r in resultat.fichiers] == ["retire", "charge"]
    assert resultat.fichiers[1].rows_quarantined == 0
    assert resultat.fichiers[1].avertissements == {}
    con = base(etude)
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.quarantaine").fetchone()[0] == 0


def test_duplicate_across_two_files_of_one_landlord(etude):
    ecrire(etude, "X", "nord.csv", [ENTETE, ligne(1), ligne(2)])
    ecrire(etude, "X", "sud.csv", [ENTETE, ligne(3), ligne(2)])
    resultat = _charger(etude)
    sud = next(r for r in resultat.fichiers if r.fichier.endswith("sud.csv"))
    assert sud.quarantaine == {"DOUBLON": 1}
    message = base(etude).execute("select message from raw.anomalies").fetchone()[0]
    assert (
        message
        == "ligne 3, colonne « N° logement » : « L0002 » figure déjà dans « bailleurs/X/nord.csv » ligne 3"
    )


def test_reference_files_use_the_same_path_with_their_own_mapping(etude):
    ref = etude / "referentiels"
    (ref / "rpls_2019.csv").write_text(
        "NUM_RPLS;DEPCOM;PLG_IRIS;NBPIECE;QPV\n6200000001;62427;0101;3;1\n6200000002;62427;0102;1;2\n"
    )
    (ref / "correspondances.yml").write_text(
        "rpls:\n  colonnes:\n    NUM_RPLS: id_rpls\n    QPV: ignorer\n"
    )
    ecrire(
        etude,
        "X",
        "ops.csv",
        [
            ENTETE,
            ligne(1, rpls="6200000002", occupants=7, enfants=5, situation="Couple avec enfants"),
        ],
    )
    resultat = _charger(etude)
    rpls, ops = resultat.fichiers
    assert (rpls.jeu, rpls.rows_loaded, rpls.colonnes_ignorees) == ("rpls", 2, [])
    assert ops.quarantaine == {
        "DENSITE_IMPROBABLE": 1
    }  # 7 occupants in 1 room: more than 1 × 3 + 3
    assert base(etude).execute("select plg_iris from raw.rpls_logements order by 1").fetchall() == [
        ("0101",),
        ("0102",),
    ]
