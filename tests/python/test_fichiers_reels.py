"""A study built by hand in the layouts landlords and the ministry really send (written here,
not by the synthetic generator): the SDES RPLS 2023 open-data layout, an xlsx with a title row
and a merged two-row header, income bands in words, the convention's own occupation words, a
commune given by name, a third-party lease without survey answer, a cp1252 CSV, an ods with a
mapping file whose values YAML would otherwise turn into numbers. It loads in one run."""

from __future__ import annotations

import json

import pytest
import python_calamine as calamine
import xlsxwriter
from aides import base, codes, ecrire, peuplement

from peuplement.chargement.chargeur import charger
from peuplement.erreurs import ErreurConfiguration, ErreurFichier
from peuplement.etude.configuration import charger_etude
from peuplement.synthetique.ecrivains import ecrire_csv

COMMUNES = [
    ["CODGEO", "LIBGEO", "EPCI", "LIBEPCI"],
    ["62427", "Hénin-Beaumont", "246200364", "CA d'Hénin-Carvin"],
    ["62215", "Carvin", "246200364", "CA d'Hénin-Carvin"],
    ["59178", "Douai", "245900410", "CA du Douaisis"],
    ["62637", "Oignies", "246200364", "CA d'Hénin-Carvin"],
]

# The SDES "données détaillées au logement" 2023 layout (commune as DEPCOM_CODE, IRIS 2020),
# plus the dwelling identifier the State services add under the convention.
RPLS_2023 = (
    "REG_CODE;REG_LIBELLE;DEP_CODE;DEP_LIBELLE;EPCI_CODE;EPCI_LIBELLE;DEPCOM_CODE;"
    "DEPCOM_LIBELLE;CODEPOSTAL;NUMVOIE;TYPVOIE;NOMVOIE;QPV_CODE;QPV_LIBELLE;TYPECONST_CODE;"
    "TYPECONST_LIBELLE;NBPIECE;SURFHAB;CONSTRUCT;FINAN_CODE;FINAN_LIBELLE;CODSEGPATRIM;"
    "LIBSEGPATRIM;PLG_IRIS2020_CODE;IDENT_LOGT"
)


def _rpls(ids_communes: list[tuple[str, str]]) -> str:
    lignes = [RPLS_2023]
    for ident, commune in ids_communes:
        libelle = {"62427": "Hénin-Beaumont", "62215": "Carvin"}[commune]
        lignes.append(
            f"32;Hauts-de-France;62;Pas-de-Calais;246200364;CA d'Hénin-Carvin;{commune};"
            f"{libelle};62110;12;RUE;DES ROSES;QP062001;Quartier;C;Collectif;3;65,5;1975;12;"
            f"PLUS;S01;Segment 1;0101;{ident}"
        )
    return "\n".join(lignes) + "\n"


def _bailleur_a(chemin):
    """xlsx: a title row, then a two-row header whose cells are merged (group labels over
    their columns, single labels merged down over both rows)."""
    wb = xlsxwriter.Workbook(str(chemin))
    ws = wb.add_worksheet("OPS 2022")
    ws.write(0, 0, "Enquête OPS au 1er janvier 2022 – Bailleur A")
    for col, texte in enumerate(["N°Logt", "N° RPLS", "Commune", "Occupation"]):
        ws.merge_range(1, col, 2, col, texte)
    ws.merge_range(1, 4, 1, 7, "Ménage")
    ws.write_row(2, 4, ["Répondu", "Situation familiale", "Nb occupants", "Nb enfants"])
    ws.merge_range(1, 8, 1, 9, "Âge occupant")
    ws.write_row(2, 8, ["1", "2"])
    ws.merge_range(1, 10, 2, 10, "Position plafonds HLM du revenu des ménages")
    bandes = [
        "Inférieur à 20%",
        "Entre 20 et 40%",
        "Entre 40 et 60%",
        "Entre 60 et 100 % du plafond",
        "Supérieur à 100%",
        "Non renseigné",
    ]
    lignes = []
    for i in range(12):
        lignes.append(
            [f"A{i:03d}", f"A-RPLS-{i:03d}", None, "Loué", "Oui", "Personne seule", 1, 0, 40 + i]
            + [None, bandes[i % 6]]
        )
    lignes[1][5], lignes[1][6], lignes[1][7], lignes[1][9] = "Couple avec enfant(s)", 3, 1, 8
    # the convention's own words, and no household to survey
    lignes[2][3:] = ["donné en location à des organismes tiers"] + [None] * 7
    lignes[3][3:] = ["Vacant"] + [None] * 7
    lignes[4][1], lignes[4][2] = None, "DOUAI"  # no RPLS id, the commune by its name
    lignes[5][1], lignes[5][2] = "INCONNU-9", None  # placed nowhere: the one planted defect
    lignes[6][5] = "Célibataire"  # unknown optional value: emptied, the dwelling kept
    for i, ligne in enumerate(lignes):
        ws.write_row(3 + i, 0, ligne)
    wb.close()
    return len(lignes)


@pytest.fixture
def etude_reelle(etude):
    ref = etude / "referentiels"
    with open(ref / "communes.csv", "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(";".join(r) for r in COMMUNES) + "\n")
    ids = [(f"A-RPLS-{i:03d}", "62427") for i in range(12)]
    ids += [(f"C-{i:02d}", "62215") for i in range(10)]
    (ref / "rpls_2023.csv").write_text(_rpls(ids), encoding="utf-8")
    (etude / "bailleurs" / "A").mkdir(parents=True)
    n_a = _bailleur_a(etude / "bailleurs" / "A" / "ops_2022.xlsx")
    entete_b = [
        "Numéro logement",
        "Statut d'occupation",
        "Réponse à l'enquête OPS",
        "Composition du ménage",
        "Nombre total d'occupants",
        "Tranche de ressources",
        "Code INSEE",
    ]
    lignes_b = [
        entete_b,
        ["B1", "Loué", "Oui", "Isolé", 1, "T2", "62637"],
        ["B2", "Loué", "Non", None, None, None, "62637"],
        ["B3", "Loué à une association", None, None, None, None, "Oignies"],
        ["B4", "Loué", "Oui", "Famille monoparentale", 2, "< 20 %", "62637"],
    ]
    ecrire(
        etude,
        "B",
        "ops_b.ods",
        lignes_b,
        # unquoted, YAML would read 20_40 as the number 2040
        correspondances="valeurs:\n  revenu_plafond:\n    T2: 20_40\n",
    )
    entete_c = ["N°Logt", "N° RPLS", "Occupation", "Répondu enquête", "Type de ménage"]
    entete_c += ["Nb occupants", "Tranche de revenus"]
    lignes_c = [entete_c]
    for i in range(10):
        situation = "Ménage élargi" if i < 2 else "Personne seule"  # a spelling nobody knows
        lignes_c.append([f"C{i}", f"C-{i:02d}", "Loué", "Oui", situation, 1, "0-20%"])
    (etude / "bailleurs" / "C").mkdir()
    ecrire_csv(etude / "bailleurs" / "C" / "ops_c.csv", lignes_c, ";", "cp1252")
    return etude, {"A": n_a, "B": len(lignes_b) - 1, "C": len(lignes_c) - 1}


def test_the_hand_built_study_loads_in_one_run(etude_reelle):
    etude, attendus = etude_reelle
    resultat = charger(charger_etude(etude))
    par_bailleur = {r.bailleur: r for r in resultat.fichiers if r.bailleur}
    assert {r.statut for r in resultat.fichiers} == {"charge"}
    for code, n in attendus.items():
        r = par_bailleur[code]
        assert r.rows_loaded + r.rows_quarantined == n, code
        assert r.rows_read == r.rows_loaded + r.rows_quarantined + r.rows_skipped
    a = par_bailleur["A"]
    # only the planted defect is quarantined: a dwelling with neither RPLS match nor commune
    assert (a.rows_loaded, a.quarantaine) == (11, {"LOGEMENT_NON_SITUE": 1})
    assert a.ignorees == {"LIGNE_ENTETE": 2, "LIGNE_TITRE": 1}
    assert a.avertissements["COMMUNE_PAR_NOM"] == 1
    assert a.avertissements["CODE_INCONNU"] == 1  # « Célibataire »
    assert (par_bailleur["B"].rows_loaded, par_bailleur["B"].rows_quarantined) == (4, 0)
    assert (par_bailleur["C"].rows_loaded, par_bailleur["C"].rows_quarantined) == (10, 0)
    con = base(etude)
    message = con.execute(
        "select message from raw.anomalies where code_raison = 'LOGEMENT_NON_SITUE'"
    ).fetchone()[0]
    assert message.startswith("ligne 9 : logement impossible à situer, identifiant RPLS")
    # the RPLS in its 2023 layout: commune, label and IRIS from DEPCOM_CODE, DEPCOM_LIBELLE...
    rpls = con.execute(
        "select depcom, libcom, qpv_code, plg_iris, nbpiece from raw.rpls_logements "
        "where id_rpls = 'A-RPLS-000'"
    ).fetchone()
    assert rpls == ("62427", "Hénin-Beaumont", "QP062001", "0101", "3")


def test_values_are_read_by_their_meaning(etude_reelle):
    etude, _ = etude_reelle
    charger(charger_etude(etude))
    con = base(etude)
    revenus = codes(con, "A", "revenu_plafond")
    # every row but the quarantined 5th; the 2nd (third party) and 3rd (vacant) have no band
    assert revenus == [
        "moins_20",
        "20_40",
        None,
        None,
        "plus_100",
        "moins_20",
        "20_40",
        "40_60",
        "60_100",
        "plus_100",
        "inconnu",
    ]
    assert codes(con, "A", "occupation")[2:4] == ["loue_tiers", "vacant"]
    assert codes(con, "B", "revenu_plafond") == ["20_40", None, None, "moins_20"]
    assert codes(con, "B", "occupation") == ["loue", "loue", "loue_tiers", "loue"]
    # the merged header's group « Âge occupant » over « 1 », « 2 »
    ages = con.execute(
        "select ages_occupants from raw.ops_lignes where id_logement_bailleur = 'A001'"
    ).fetchone()
    assert ages == ("41;8",)
    # a wording no dictionary has, read from its numbers and kept for the warehouse's staging
    sens = con.execute(
        "select champ, valeur_normalisee, code from raw.correspondances_valeurs "
        "where bailleur = 'A' and origine = 'sens'"
    ).fetchall()
    assert ("revenu_plafond", "entre60et100%duplafond", "60_100") in sens


def test_third_party_lease_needs_no_survey_answer_and_communes_are_codes(etude_reelle):
    etude, _ = etude_reelle
    charger(charger_etude(etude))
    con = base(etude)
    communes = dict(
        con.execute(
            "select id_logement_bailleur, commune from raw.ops_lignes "
            "where bailleur in ('A', 'B') and commune is not null"
        ).fetchall()
    )
    assert communes == {"A004": "59178", "B1": "62637", "B2": "62637", "B3": "62637", "B4": "62637"}
    message = con.execute(
        "select message from raw.anomalies where code_raison = 'COMMUNE_PAR_NOM' and bailleur = 'A'"
    ).fetchone()[0]
    assert message == "ligne 8, colonne « Commune » : « DOUAI » lue comme la commune 59178 (Douai)"
    tiers = con.execute(
        "select count(*) from raw.ops_lignes where id_logement_bailleur in ('A002', 'B3')"
    ).fetchone()[0]
    assert tiers == 2


def test_a_landlord_losing_values_is_warned_with_the_command(etude_reelle):
    etude, _ = etude_reelle
    resultat = charger(charger_etude(etude))
    alertes = [a for a in resultat.alertes if a.startswith("C :")]
    assert alertes == [
        "C : 2 logement(s) sur 10 (20 %) ont une variable laissée vide, faute de valeur reconnue "
        "(principales : « Ménage élargi » (situation_familiale, 2 ligne(s))) ; correspondances "
        f"à ajouter : peuplement anomalies --etude {etude} --bailleur C"
    ]
    assert not [a for a in resultat.alertes if a.startswith("B :")]


def test_anomalies_command_proposes_the_mapping_and_records_the_access(etude_reelle, tmp_path):
    etude, _ = etude_reelle
    charger(charger_etude(etude))
    classeur = tmp_path / "retour_C.xlsx"
    sortie = peuplement(
        "anomalies", "--etude", str(etude), "--bailleur", "C", "--xlsx", str(classeur)
    )
    assert sortie.returncode == 0, sortie.stderr
    assert "valeurs:\n  situation_familiale:" in sortie.stdout
    assert '    # "Ménage élargi": <code>  # 2 ligne(s)' in sortie.stdout
    feuille = calamine.CalamineWorkbook.from_path(str(classeur)).get_sheet_by_name(
        "Valeurs non lues"
    )
    rangees = feuille.to_python()
    assert rangees[1][:5] == ["C", "Type de ménage", "situation_familiale", "Ménage élargi", 2]
    registre = (etude / "registre" / "registre.jsonl").read_text(encoding="utf-8")
    derniere = json.loads(registre.strip().splitlines()[-1])
    assert derniere["operation"] == "lecture_anomalies"
    assert derniere["donnees"]["sources"] == [
        {"source": "C", "valeurs_distinctes": 1, "lignes": 2, "colonnes_ignorees": 0}
    ]
    assert "Ménage élargi" not in registre  # never a cell value in the register


def test_anomalies_of_an_unknown_landlord_is_a_french_error(etude_reelle):
    etude, _ = etude_reelle
    sortie = peuplement("anomalies", "--etude", str(etude), "--bailleur", "ZZZ")
    assert sortie.returncode == 2
    assert "bailleur « ZZZ » inconnu ; bailleurs de l'étude : A, B, C" in sortie.stderr
    assert "Traceback" not in sortie.stderr


def test_referentiel_mapping_must_name_its_section(etude):
    ref = etude / "referentiels"
    (ref / "rpls.csv").write_text(
        "NUMERO;NBPIECE;COMMUNE_DU_LOGEMENT\nX1;3;62427\n", encoding="utf-8"
    )
    (ref / "correspondances.yml").write_text("colonnes:\n  NUMERO: id_rpls\n", encoding="utf-8")
    with pytest.raises(ErreurConfiguration, match="doit être rangé sous le nom du référentiel"):
        charger(charger_etude(etude))
    (ref / "correspondances.yml").write_text(
        "rpls:\n  colonnes:\n    NUMERO: id_rpls\n", encoding="utf-8"
    )
    with pytest.raises(ErreurFichier) as exc:
        charger(charger_etude(etude))
    assert 'rpls: {colonnes: {"COMMUNE_DU_LOGEMENT": depcom}}' in str(exc.value)


def test_doubled_columns_settled_by_their_data_and_bracketed_notes(etude):
    """A code column beside its label column, a commune's name beside its INSEE code, headers
    with a trailing note: no mapping file needed."""
    ref = etude / "referentiels"
    with open(ref / "communes.csv", "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(";".join(r) for r in COMMUNES) + "\n")
    entete = [
        "N° logement",
        "Commune",
        "Code INSEE",
        "Occupation (code)",
        "Occupation (libellé)",
        "Répondu (1)",
        "Situation familiale [voir notice]",
        "Nb occupants : total du ménage",
    ]
    lignes = [
        entete,
        ["D1", "Carvin", "62215", "1", "Loué", "Oui", "Personne seule", 1],
        ["D2", "Carvin", "62215", "2", "Vacant", None, None, None],
        ["D3", "Oignies", "62637", "4", None, None, None, None],
    ]
    ecrire(etude, "D", "ops.xlsx", lignes)
    r = charger(charger_etude(etude)).fichiers[-1]
    assert (r.rows_loaded, r.rows_quarantined) == (3, 0)
    assert r.colonnes_ignorees == ["Commune", "Occupation (libellé)"]
    assert r.message == (
        "« Code INSEE » retenue plutôt que « Commune » pour commune ; « Occupation (code) » "
        "retenue plutôt que « Occupation (libellé) » pour occupation"
    )
    con = base(etude)
    assert codes(con, "D", "occupation") == ["loue", "vacant", "loue_tiers"]
    assert con.execute("select commune from raw.ops_lignes order by 1").fetchall() == [
        ("62215",),
        ("62215",),
        ("62637",),
    ]


def test_doubled_columns_the_data_cannot_settle_are_chosen_and_reported_per_file(etude):
    """Two headers for the number of occupants, with different values: the load goes on with
    the column holding more numbers, the file's warning names both columns and gives the line
    that chooses the other; with that line, the other column is read and nothing is warned."""
    lignes = [
        [
            "N° logement",
            "Occupation",
            "Répondu",
            "Situation familiale",
            "Nb personnes",
            "Nombre d'occupants",
        ],
        ["E1", "Loué", "Oui", "Personne seule", 1, 3],
        ["E2", "Loué", "Oui", "Personne seule", 1, "?"],
        ["E3", "Vacant", None, None, None, None],
    ]
    ecrire(etude, "E", "ops.xlsx", lignes)
    sortie = peuplement("charger", "--etude", str(etude))
    assert sortie.returncode == 0, sortie.stderr
    ecran = " ".join((sortie.stdout + sortie.stderr).split())
    assert (
        "Attention : bailleurs/E/ops.xlsx, feuille « Feuille1 » : les colonnes « Nb personnes » et « Nombre "
        "d'occupants » correspondent toutes deux au champ nb_occupants et leurs valeurs "
        "diffèrent : « Nb personnes » retenue (2 valeur(s) lisible(s) contre 1) ; pour retenir "
        "l'autre, ajoutez dans bailleurs/E/correspondances.yml : colonnes: {\"Nb personnes\": "
        "ignorer}" in ecran
    ), ecran
    con = base(etude)
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == 3
    assert con.execute(
        "select nb_occupants from raw.ops_lignes order by id_logement_bailleur"
    ).fetchall() == [("1",), ("1",), (None,)]
    con.close()
    (etude / "bailleurs" / "E" / "correspondances.yml").write_text(
        'colonnes: {"Nb personnes": ignorer}\n', encoding="utf-8"
    )
    resultat = charger(charger_etude(etude))
    assert not [a for a in resultat.alertes if "toutes deux" in a], resultat.alertes
    con = base(etude)
    assert con.execute(
        "select nb_occupants from raw.ops_lignes order by id_logement_bailleur"
    ).fetchall() == [("3",), (None,), (None,)]


def test_a_third_party_lease_without_answer_is_not_in_the_response_rate(etude_reelle, tmp_path):
    """B3, leased to an association with no survey answer, is a dwelling (counted, public
    occupancy) but not in the survey: the response rate of landlord B is 2 respondents out of
    its 3 dwellings leased to a household, not out of 4 occupied dwellings."""
    from aides import dbt

    etude, _ = etude_reelle
    charger(charger_etude(etude))
    entrepot = etude / "entrepot" / "peuplement.duckdb"
    commande = ["build", "--select", "+int_indicateurs__long", "--resource-type", "seed"]
    sortie = dbt([*commande, "--resource-type", "model"], entrepot, tmp_path)
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    con = base(etude)
    lignes = dict(
        con.execute(
            "select indicateur, (numerateur, denominateur) from intermediate.int_indicateurs__long "
            "where maille = 'epci' and bailleur = 'B' and indicateur in "
            "('taux_reponse', 'part_loues_tiers')"
        ).fetchall()
    )
    assert lignes == {"taux_reponse": (2, 3), "part_loues_tiers": (1, 4)}, lignes
