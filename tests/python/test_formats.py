"""Every format and mess landlords send, one at a time, on small hand-made files."""

import datetime as dt

from aides import ENTETE, base, codes, ecrire, ligne

from peuplement.chargement.chargeur import charger
from peuplement.etude.configuration import charger_etude


def _charger(etude):
    return charger(charger_etude(etude))


def test_xlsx_with_title_block_blank_rows_total_and_numbers_as_text(etude):
    lignes = [
        ["Enquête OPS 2022"],
        ["Bailleur X"],
        [],
        ENTETE,
        ligne(1),
        [],
        ligne(2, occupants="3", enfants="1", situation="Famille monoparentale"),
        ligne(3, occupants=" 2 ", age="45,0"),
        [],
        ["TOTAL", None, None, None, None, 6],
    ]
    ecrire(etude, "X", "ops.xlsx", lignes)
    r = _charger(etude).fichiers[0]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_skipped) == (10, 3, 0, 7)
    assert r.ignorees == {"LIGNE_ENTETE": 1, "LIGNE_TITRE": 2, "LIGNE_TOTAL": 1, "LIGNE_VIDE": 3}
    con = base(etude)
    assert con.execute(
        "select ligne_source, nb_occupants from raw.ops_lignes order by 1"
    ).fetchall() == [(5, "1"), (7, "3"), (8, "2")]


def test_value_spellings_of_every_kind_map_to_codes(etude):
    oui = ["Oui", "O", "1", "X", "VRAI", "oui "]
    situations = [
        "Couple avec enfant(s)",
        "CAE",
        "4",
        "couple avec enfants",
        "Personne seule",
        "Isolé",
    ]
    revenus = ["< 20 %", "0-20%", "inf 20", "20 à 40 %", "> 100 %", "<\u00a020\u00a0%"]
    lignes = [ENTETE] + [
        ligne(i, apl=oui[i], situation=situations[i], revenu=revenus[i], occupants=3, enfants=1)
        for i in range(6)
    ]
    ecrire(etude, "X", "ops.xlsx", lignes)
    r = _charger(etude).fichiers[0]
    assert r.rows_quarantined == 0
    con = base(etude)
    assert codes(con, "X", "apl") == ["oui"] * 6
    assert (
        codes(con, "X", "situation_familiale")
        == ["couple_avec_enfants"] * 4 + ["personne_seule"] * 2
    )
    assert codes(con, "X", "revenu_plafond") == ["moins_20"] * 3 + ["20_40", "plus_100", "moins_20"]


def test_ods_with_ages_of_each_occupant_in_columns(etude):
    entete = [
        "Numéro logement",
        "Occupation",
        "Réponse",
        "Type de ménage",
        "Nb occupants",
        "Age occ 1",
        "Age occ 2",
        "Age occ 3",
    ]
    lignes = [
        entete,
        ["A1", 1, "O", 4, 3, 34, 32, 5],
        ["A2", 1, "O", 1, 1, 80, None, None],
        ["A3", 2, None, None, None, None, None, None],
    ]
    ecrire(etude, "B", "ops.ods", lignes)
    r = _charger(etude).fichiers[0]
    assert (r.rows_loaded, r.rows_quarantined) == (3, 0)
    con = base(etude)
    assert [
        x[0]
        for x in con.execute(
            "select ages_occupants from raw.ops_lignes order by ligne_source"
        ).fetchall()
    ] == ["34;32;5", "80", None]
    assert codes(con, "B", "occupation") == ["loue", "loue", "vacant"]


def test_csv_latin1_semicolon_with_decimal_commas(etude):
    rep = etude / "bailleurs" / "G"
    rep.mkdir(parents=True)
    texte = (
        "Numéro logement;Statut d'occupation;Réponse enquête;Composition du ménage;"
        "Nb occupants;% plafond;Loyer\r\n"
        "G1;Loué;Oui;Isolé;1;35,5;312,40\r\nG2;Loué;Non;;;;298,10\r\n"
    )
    (rep / "ops.csv").write_bytes(texte.encode("latin-1"))
    r = _charger(etude).fichiers[0]
    assert (r.rows_loaded, r.rows_quarantined) == (2, 0)
    assert r.colonnes_ignorees == ["Loyer"]
    con = base(etude)
    assert con.execute("select encodage, separateur from raw.fichiers").fetchone() == (
        "cp1252",
        ";",
    )
    assert con.execute("select revenu_pct_plafond from raw.ops_lignes order by 1").fetchall()[
        0
    ] == ("35,5",)


def test_csv_utf8_comma_with_move_in_date_instead_of_flag(etude):
    lignes = [
        ["NUM_LOGT", "OCCUPATION", "REPONSE_OPS", "SIT_FAM", "NB_OCC", "DATE_ENTREE"],
        ["C1", "L", "X", "PS", "1", "15/06/2021"],
        ["C2", "L", "X", "PS", "1", "2005-01-31"],
        ["C3", "L", "X", "PS", "1", "31/02/2021"],
    ]
    ecrire(etude, "C", "ops.csv", lignes)
    r = _charger(etude).fichiers[0]
    # an unreadable optional date costs the date, not the dwelling
    assert (r.rows_loaded, r.rows_quarantined) == (3, 0)
    assert r.avertissements == {"DATE_INVALIDE": 1}
    con = base(etude)
    message, valeur = con.execute("select message, valeur from raw.anomalies").fetchone()
    assert message.startswith("ligne 4, colonne « DATE_ENTREE » : « 31/02/2021 »")
    assert message.endswith("valeur laissée vide, logement conservé")
    assert valeur == "31/02/2021"
    dates = con.execute(
        "select id_logement_bailleur, date_emmenagement from raw.ops_lignes order by 1"
    ).fetchall()
    assert dates == [("C1", "15/06/2021"), ("C2", "2005-01-31"), ("C3", None)]


def test_excel_dates_as_date_cells_and_as_serial_numbers(etude):
    entete = [
        "Identifiant logement",
        "Occupation",
        "Répondant",
        "Situation familiale",
        "Nombre d'occupants",
        "Date emménagement",
    ]
    lignes = [
        entete,
        ["S1", "Loué", True, "Isolé", 1, dt.date(2021, 6, 15)],
        ["S2", "Loué", False, None, None, None],
        ["S3", "Loué", True, "Isolé", 1, 44362],
    ]
    ecrire(etude, "S", "ops.xlsx", {"Notice": [["Fichier de test"]], "Données": lignes})
    r = _charger(etude).fichiers[0]
    assert (r.feuille, r.rows_loaded, r.rows_quarantined) == ("Données", 3, 0)
    con = base(etude)
    assert codes(con, "S", "repondu") == ["oui", "non", "oui"]
    dates = con.execute(
        "select date_emmenagement from raw.ops_lignes order by ligne_source"
    ).fetchall()
    assert dates == [("2021-06-15",), (None,), ("44362",)]


def test_landlord_mapping_file_adds_headers_and_spellings_without_code(etude):
    entete = ["Réf", "Occupation", "Répondu", "Typo ménage", "Nb occupants"]
    lignes = [entete, ["R1", "Loué", "Oui", "Seul(e)", 1], ["R2", "Loué", "Oui", "Parent isolé", 2]]
    ecrire(
        etude,
        "R",
        "ops.xlsx",
        lignes,
        correspondances=(
            "colonnes:\n  Réf: id_logement_bailleur\n  Typo ménage: situation_familiale\n"
            "valeurs:\n  situation_familiale:\n    Seul(e): personne_seule\n"
            "    Parent isolé: monoparentale\n"
        ),
    )
    r = _charger(etude).fichiers[0]
    assert (r.rows_loaded, r.rows_quarantined) == (2, 0)
    assert codes(base(etude), "R", "situation_familiale") == ["personne_seule", "monoparentale"]


def test_row_checks_quarantine_with_french_messages(etude):
    lignes = [
        ENTETE,
        ligne(1),
        ligne(1),
        ligne(2, situation="Célibataire"),
        ligne(3, occupants="trois"),
        ligne(4, occupants=2, enfants=2),
        ligne(5, id=None),
        ligne(6, occupation="Squatté"),
        ligne(7, repondu=None),
        ligne(8, rpls=None),
        ligne(9, age=150),
    ]
    ecrire(etude, "X", "ops.xlsx", lignes)
    r = _charger(etude).fichiers[0]
    assert r.rows_read == r.rows_loaded + r.rows_quarantined + r.rows_skipped == 11
    # unknown or unreadable optional values (« Célibataire », « trois ») cost only the variable
    assert r.quarantaine == {
        "CODE_INCONNU": 1,
        "DOUBLON": 1,
        "HORS_BORNES": 1,
        "INCOHERENCE": 1,
        "VALEUR_MANQUANTE": 2,
    }
    assert r.avertissements == {"CODE_INCONNU": 1, "NOMBRE_INVALIDE": 1, "RPLS_MANQUANT": 1}
    con = base(etude)
    messages = dict(
        con.execute(
            "select code_raison, message from raw.anomalies where ligne_source in (3, 4)"
        ).fetchall()
    )
    assert (
        messages["DOUBLON"]
        == "ligne 3, colonne « N° logement » : « L0001 » figure déjà ligne 2 de ce fichier"
    )
    assert (
        "« Célibataire » non reconnue pour « situation familiale » ; valeurs attendues : Personne seule"
        in messages["CODE_INCONNU"]
    )
    assert messages["CODE_INCONNU"].endswith("valeur laissée vide, logement conservé")
    gardees = con.execute(
        "select ligne_source, situation_familiale, nb_occupants from raw.ops_lignes "
        "where ligne_source in (4, 5) order by 1"
    ).fetchall()
    assert gardees == [(4, None, "1"), (5, "Personne seule", None)]
    quarantaine = con.execute(
        "select raisons, contenu from raw.quarantaine where ligne_source = 8"
    ).fetchone()
    assert quarantaine[0] == "CODE_INCONNU" and '"occupation":"Squatté"' in quarantaine[1]
