"""The synthetic study: every row of every file accounted for, every planted defect caught."""

import json

from aides import base, peuplement

from peuplement.chargement.chargeur import charger
from peuplement.chargement.texte import sql_normaliser_valeur
from peuplement.etude.configuration import charger_etude


def _rapports(resultat):
    return {r.fichier: r for r in resultat.fichiers}


def test_every_landlord_file_is_loaded_and_reconciled(demo):
    _, resultat, manifeste = demo
    rapports = _rapports(resultat)
    assert len(manifeste["fichiers"]) >= 5
    formats = {f["chemin"].rsplit(".", 1)[1] for f in manifeste["fichiers"]}
    assert formats == {"xlsx", "ods", "csv"}
    for attendu in manifeste["fichiers"]:
        r = rapports[attendu["chemin"]]
        assert r.statut == "charge"
        assert r.rows_read == attendu["lignes_physiques"], r.fichier
        assert r.rows_read == r.rows_loaded + r.rows_quarantined + r.rows_skipped
        assert r.rows_loaded + r.rows_quarantined == attendu["lignes_donnees"], r.fichier


def test_planted_defects_are_found_at_their_row(demo):
    dossier, _, manifeste = demo
    con = base(dossier)
    for attendu in manifeste["fichiers"]:
        for plante in attendu["plantes"]:
            trouves = con.execute(
                "select code_raison, gravite, message from raw.anomalies where fichier = ? "
                "and ligne_source = ?",
                [attendu["chemin"], plante["ligne"]],
            ).fetchall()
            codes = {t[0] for t in trouves}
            assert plante["code"] in codes, (attendu["chemin"], plante, trouves)
            message = next(t[2] for t in trouves if t[0] == plante["code"])
            assert message.startswith(f"ligne {plante['ligne']}, colonne « ")


def test_only_planted_defects_are_quarantined(demo):
    """The generator's clean rows are all accepted: the checks raise no false alarm."""
    dossier, _, manifeste = demo
    con = base(dossier)
    for attendu in manifeste["fichiers"]:
        rejets = {
            (ligne, code)
            for ligne, code in con.execute(
                "select ligne_source, code_raison from raw.anomalies where fichier = ? "
                "and gravite = 'rejet'",
                [attendu["chemin"]],
            ).fetchall()
        }
        plantes = {(p["ligne"], p["code"]) for p in attendu["plantes"]}
        assert rejets <= plantes, (attendu["chemin"], rejets - plantes)


def test_skipped_rows_are_title_blank_header_and_total(demo):
    dossier, resultat, _ = demo
    artois = next(r for r in resultat.fichiers if r.bailleur == "ARTOIS")
    assert artois.ignorees["LIGNE_TITRE"] == 2
    assert artois.ignorees["LIGNE_TOTAL"] == 1
    assert artois.ignorees["LIGNE_ENTETE"] == 1
    assert artois.ignorees["LIGNE_VIDE"] >= 2
    con = base(dossier)
    total = con.execute(
        "select apercu from raw.lignes_ignorees where raison = 'LIGNE_TOTAL'"
    ).fetchall()
    assert total and total[0][0].startswith("TOTAL")


def test_warehouse_tables_match_the_report(demo):
    dossier, resultat, _ = demo
    con = base(dossier)
    for r in resultat.fichiers:
        table = "ops_lignes" if r.jeu == "ops" else None
        if table is None:
            continue
        n = con.execute(
            "select count(*) from raw.ops_lignes where fichier_sha256 = ?", [r.sha256]
        ).fetchone()[0]
        q = con.execute(
            "select count(*) from raw.quarantaine where fichier_sha256 = ?", [r.sha256]
        ).fetchone()[0]
        s = con.execute(
            "select count(*) from raw.lignes_ignorees where fichier_sha256 = ?", [r.sha256]
        ).fetchone()[0]
        assert (n, q, s) == (r.rows_loaded, r.rows_quarantined, r.rows_skipped)
    stocke = con.execute(
        "select sum(rows_read), sum(rows_loaded + rows_quarantined + rows_skipped) "
        "from raw.rapport_chargement where load_id = ?",
        [resultat.load_id],
    ).fetchone()
    assert stocke[0] == stocke[1] > 0


def test_every_row_carries_its_lineage(demo):
    dossier, resultat, _ = demo
    con = base(dossier)
    manquants = con.execute(
        "select count(*) from raw.ops_lignes where bailleur is null or fichier is null "
        "or ligne_source is null or fichier_sha256 is null or load_id is null "
        "or charge_le is null"
    ).fetchone()[0]
    assert manquants == 0
    feuilles = dict(
        con.execute("select bailleur, any_value(feuille) from raw.ops_lignes group by 1").fetchall()
    )
    assert feuilles["SOLIDAIRE"] == "Données OPS"  # the data sheet, not the notice
    assert feuilles["COTEAUX"] is None  # a CSV has no sheet
    ids = con.execute("select count(distinct load_id) from raw.ops_lignes").fetchone()[0]
    assert ids == 1


def test_landlord_spellings_reach_canonical_codes(demo):
    """Each landlord's spellings are all recognised (config for COTEAUX, dictionary otherwise)."""
    dossier, _, _ = demo
    con = base(dossier)
    codes = con.execute(
        "select l.bailleur, v.code, count(*) from raw.ops_lignes l join raw.correspondances_valeurs v "
        "on v.bailleur = l.bailleur and v.champ = 'situation_familiale' and v.valeur_normalisee = "
        f"{sql_normaliser_valeur('l.situation_familiale')} group by all"
    ).fetchall()
    par_bailleur = {}
    for bailleur, code, n in codes:
        par_bailleur.setdefault(bailleur, {})[code] = n
    for bailleur in ("ARTOIS", "BASSIN", "COTEAUX", "GOHELLE", "SOLIDAIRE"):
        assert set(par_bailleur[bailleur]) == {
            "personne_seule",
            "monoparentale",
            "couple_sans_enfant",
            "couple_avec_enfants",
            "autre",
        }, bailleur


def test_loading_again_adds_nothing(demo):
    dossier, _, _ = demo
    con = base(dossier)
    avant = con.execute("select count(*) from raw.ops_lignes").fetchone()[0]
    con.close()
    resultat = charger(charger_etude(dossier))
    assert {r.statut for r in resultat.fichiers} == {"deja_charge"}
    con = base(dossier)
    assert con.execute("select count(*) from raw.ops_lignes").fetchone()[0] == avant


def test_cli_json_report(demo):
    dossier, _, _ = demo
    sortie = peuplement("charger", "--etude", str(dossier), "--json")
    assert sortie.returncode == 0, sortie.stderr
    rapport = json.loads(sortie.stdout)
    for f in rapport["files"]:
        assert set(f) >= {
            "file",
            "bailleur",
            "rows_read",
            "rows_loaded",
            "rows_quarantined",
            "rows_skipped",
            "raisons",
        }
        assert f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"] + f["rows_skipped"]


def test_the_register_records_the_demo(demo):
    from peuplement.protection.registre import Registre

    dossier, resultat, _ = demo
    registre = Registre(dossier)
    entrees = registre.lire()
    # the load is recorded when it starts and when it ends
    assert [(e["operation"], e["resultat"]) for e in entrees[:3]] == [
        ("creation", "reussi"),
        ("chargement", "commence"),
        ("chargement", "reussi"),
    ]
    assert entrees[1]["donnees"]["load_id"] == resultat.load_id
    assert entrees[2]["donnees"]["debut"] == 2
    assert {f["fichier"] for f in entrees[2]["donnees"]["fichiers"]} == {
        r.fichier for r in resultat.fichiers
    }
    assert registre.verifier().intact
