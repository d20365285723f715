"""Independent check: a few indicators computed with pandas straight from the synthetic input
files (not through the loader nor dbt) must equal the true values the warehouse computes
(int_indicateurs__long, before secrecy)."""

import duckdb
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def fct(entrepot_construit):
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    return con.execute(
        "select maille, code_zone, bailleur, indicateur, numerateur, denominateur, "
        "valeur from intermediate.int_indicateurs__long"
    ).df()


def _valeur(fct, maille, bailleur, indicateur, code_zone=None):
    lignes = fct[
        (fct.maille == maille) & (fct.bailleur == bailleur) & (fct.indicateur == indicateur)
    ]
    if code_zone is not None:
        lignes = lignes[lignes.code_zone == code_zone]
    assert len(lignes) == 1, (maille, bailleur, indicateur, code_zone)
    return lignes.iloc[0]


def _commune(df, dossier, manifeste, colonne_rpls: str, colonne_declaree: str) -> pd.Series:
    """The RPLS commune of each dwelling, else the one its landlord declared."""
    rpls = pd.concat(
        pd.read_csv(dossier / f, sep=";", dtype=str) for f in manifeste["rpls"]["fichiers"]
    ).set_index("IDENTIFIANT_RPLS")["DEPCOM"]
    return df[colonne_rpls].map(rpls).fillna(df[colonne_declaree])


def _sans_lignes_plantees(df, manifeste, bailleur, colonne_id):
    """Drop the rows the generator planted as defects that the loader must quarantine (an
    unknown or unreadable optional value only empties that variable: the row is kept)."""
    fichier = next(f for f in manifeste["fichiers"] if f["bailleur"] == bailleur)
    gardees = ("RPLS_MANQUANT", "ABSENT_RPLS", "DOUBLON", "CODE_INCONNU", "NOMBRE_INVALIDE")
    rejets = {p["id"] for p in fichier["plantes"] if p["code"] not in (*gardees, "DATE_INVALIDE")}
    return df[~df[colonne_id].isin(rejets)].drop_duplicates(colonne_id, keep="first")


def test_gohelle_response_rate_from_its_latin1_csv(demo, fct):
    dossier, _, manifeste = demo
    df = pd.read_csv(
        dossier / "bailleurs/GOHELLE/ops_2022_gohelle.csv", sep=";", encoding="latin-1", dtype=str
    )
    df = _sans_lignes_plantees(df, manifeste, "GOHELLE", "Numéro logement")
    occupes = df[df["Statut d'occupation"].isin(["Loué", "Loué à un tiers"])]
    repondants = occupes[occupes["Réponse enquête"] == "Oui"]
    ligne = _valeur(fct, "epci", "GOHELLE", "taux_reponse")
    assert (ligne.numerateur, ligne.denominateur) == (len(repondants), len(occupes))
    assert ligne.valeur < 0.60  # the landlord planted under the convention's threshold


def test_artois_apl_and_income_from_its_xlsx(demo, fct):
    dossier, _, manifeste = demo
    df = pd.read_excel(
        dossier / "bailleurs/ARTOIS/ops_2022_artois.xlsx", header=3, dtype=str, engine="openpyxl"
    )
    df = df[df["N° logement"].fillna("").str.startswith("ART-")]  # no blank nor total rows
    df = _sans_lignes_plantees(df, manifeste, "ARTOIS", "N° logement")
    rep = df[
        df["Occupation"].isin(["Loué", "Loué à une association"])
        & (df["Répondu à l'enquête"] == "Oui")
    ]
    apl = _valeur(fct, "epci", "ARTOIS", "part_apl")
    assert (apl.numerateur, apl.denominateur) == (
        (rep["APL"] == "Oui").sum(),
        rep["APL"].notna().sum(),
    )
    connus = rep[rep["Position plafonds HLM"].notna() & (rep["Position plafonds HLM"] != "Inconnu")]
    moins_20 = _valeur(fct, "epci", "ARTOIS", "part_revenu_moins_20")
    assert moins_20.numerateur == (connus["Position plafonds HLM"] == "< 20 %").sum()
    assert moins_20.denominateur == len(connus)


def test_bassin_single_persons_by_commune_from_its_ods(demo, fct):
    dossier, _, manifeste = demo
    df = pd.read_excel(
        dossier / "bailleurs/BASSIN/ops_2022_bassin.ods", dtype=str, engine="calamine"
    )
    df = _sans_lignes_plantees(df, manifeste, "BASSIN", "Numéro logement")
    df["commune"] = _commune(df, dossier, manifeste, "N° RPLS", "Code INSEE")
    rep = df[
        df["Statut occupation"].isin(["1", "4"])
        & (df["Réponse"] == "O")
        & df["Type de ménage"].isin(["1", "2", "3", "4", "5"])  # « Célibataire » is emptied
    ]
    par_commune = rep.groupby("commune")["Type de ménage"].agg(
        seules=lambda s: (s == "1").sum(), total="count"
    )
    assert len(par_commune) >= 10
    for commune, attendu in par_commune.iterrows():
        ligne = _valeur(fct, "commune", "BASSIN", "part_personnes_seules", commune)
        assert (ligne.numerateur, ligne.denominateur) == (attendu.seules, attendu.total), commune


def test_dwellings_per_commune_from_every_file(demo, fct):
    """nb_logements by commune for all landlords, from the five files and the RPLS."""
    dossier, _, manifeste = demo
    lecteurs = {
        "ARTOIS": lambda p: pd.read_excel(p, header=3, dtype=str, engine="openpyxl").rename(
            columns={"N° logement": "id", "Identifiant RPLS": "rpls", "Commune": "commune"}
        ),
        "BASSIN": lambda p: pd.read_excel(p, dtype=str, engine="calamine").rename(
            columns={"Numéro logement": "id", "N° RPLS": "rpls", "Code INSEE": "commune"}
        ),
        "COTEAUX": lambda p: pd.read_csv(p, dtype=str).rename(
            columns={"NUM_LOGT": "id", "ID_RPLS": "rpls", "DEPCOM": "commune"}
        ),
        "GOHELLE": lambda p: pd.read_csv(p, sep=";", encoding="latin-1", dtype=str).rename(
            columns={"Numéro logement": "id", "N° RPLS": "rpls", "Commune": "commune"}
        ),
        "SOLIDAIRE": lambda p: pd.read_excel(
            p, sheet_name="Données OPS", dtype=str, engine="openpyxl"
        ).rename(
            columns={
                "Identifiant logement": "id",
                "Identifiant RPLS": "rpls",
                "Code commune": "commune",
            }
        ),
    }
    morceaux = []
    for fichier in manifeste["fichiers"]:
        df = lecteurs[fichier["bailleur"]](dossier / fichier["chemin"])
        df = df[df["id"].notna() & (df["id"] != "TOTAL")]
        morceaux.append(
            _sans_lignes_plantees(df, manifeste, fichier["bailleur"], "id")[
                ["id", "rpls", "commune"]
            ]
        )
    tous = pd.concat(morceaux)
    attendu = _commune(tous, dossier, manifeste, "rpls", "commune").value_counts()
    calcule = fct[
        (fct.maille == "commune")
        & (fct.bailleur == "ensemble")
        & (fct.indicateur == "nb_logements")
    ]
    assert dict(zip(calcule.code_zone, calcule.numerateur, strict=True)) == attendu.to_dict()
