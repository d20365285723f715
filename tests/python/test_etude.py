"""Study directories: `peuplement init`, etude.yml validation, deterministic synthetic studies."""

import json

import pytest
import python_calamine as calamine
from aides import peuplement

from peuplement.erreurs import ErreurConfiguration
from peuplement.etude.configuration import charger_etude
from peuplement.synthetique.etude_demo import ecrire_etude_demo


def test_init_creates_a_study_and_refuses_to_overwrite_it(tmp_path):
    dossier = tmp_path / "cahc"
    sortie = peuplement(
        "initialiser", str(dossier), "--epci", "246200364", "--operateur", "A. Nalyste"
    )
    assert sortie.returncode == 0, sortie.stderr
    for sous in ("bailleurs", "referentiels", "entrepot", "exports"):
        assert (dossier / sous).is_dir()
    etude = charger_etude(dossier)
    assert (etude.code_epci, etude.operateur, etude.millesime) == ("246200364", "A. Nalyste", 2022)
    assert etude.effectif_minimum == 11 and etude.taux_reponse_minimum == 0.60
    again = peuplement("initialiser", str(dossier))
    assert again.returncode == 2 and "existe déjà" in again.stderr


def test_invalid_etude_yml_is_explained(etude):
    chemin = etude / "etude.yml"
    chemin.write_text(chemin.read_text().replace("prolongation_mois: 0", "prolongation_mois: 18"))
    with pytest.raises(ErreurConfiguration, match="entre 0 et 12"):
        charger_etude(etude)
    chemin.write_text("etude: x\nmillesime: 2022\n")
    with pytest.raises(ErreurConfiguration) as erreur:
        charger_etude(etude)
    assert "« epci.code » est obligatoire" in str(erreur.value)
    assert "« operateur » est obligatoire" in str(erreur.value)


def _remplacer(etude, avant: str, apres: str) -> None:
    chemin = etude / "etude.yml"
    texte = chemin.read_text(encoding="utf-8")
    assert avant in texte
    chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")


# (what etude.yml says, the key the French message must name, what it must explain)
REFUS = [
    ("effectif_minimum: 11", "effectif_minimum: 1", "seuils.effectif_minimum", "plancher"),
    (
        "taux_reponse_minimum: 0.60",
        "taux_reponse_minimum: 0",
        "seuils.taux_reponse_minimum",
        "plancher",
    ),
    ("effectif_minimum: 11", "effectif_minimum: -5", "seuils.effectif_minimum", "entre 11 et"),
    ("effectif_minimum: 11", "effectif_minimum: 7", "seuils.effectif_minimum", "entre 11 et"),
    (
        "effectif_minimum: 11",
        'effectif_minimum: "onze"',
        "seuils.effectif_minimum",
        "nombre entier",
    ),
    (
        "date_reference: 2022-01-01",
        "date_reference: 2022-02-30",
        "date_reference",
        "qui existe au calendrier",
    ),
    ('operateur: "Testeur"', "operateur: null", "operateur", "obligatoire"),
]


@pytest.mark.parametrize("avant,apres,cle,explication", REFUS)
def test_settings_below_the_floors_or_mistyped_are_refused(etude, avant, apres, cle, explication):
    _remplacer(etude, avant, apres)
    with pytest.raises(ErreurConfiguration) as erreur:
        charger_etude(etude)
    assert f"« {cle} »" in str(erreur.value) and explication in str(erreur.value)
    sortie = peuplement("load", "--etude", str(etude))  # the command: exit 2, no traceback
    assert sortie.returncode == 2, sortie.stderr
    assert "Traceback" not in sortie.stderr and cle in sortie.stderr


def test_stricter_settings_are_allowed_and_typos_are_named(etude):
    _remplacer(etude, "effectif_minimum: 11", "effectif_minimum: 15")
    _remplacer(etude, "taux_reponse_minimum: 0.60", "taux_reponse_minimum: 0.75")
    etude_stricte = charger_etude(etude)
    assert (etude_stricte.effectif_minimum, etude_stricte.taux_reponse_minimum) == (15, 0.75)
    _remplacer(etude, "effectif_minimum: 15", "effectif_minimun: 5")
    with pytest.raises(ErreurConfiguration, match="vouliez-vous dire « seuils.effectif_minimum »"):
        charger_etude(etude)
    _remplacer(etude, "effectif_minimun: 5", "effectif_minimum: 11\n  effectif_minimum: 5")
    with pytest.raises(ErreurConfiguration, match="« effectif_minimum » donnée deux fois"):
        charger_etude(etude)


def test_build_keeps_the_study_thresholds_whatever_vars_say(etude):
    from peuplement.construction.lancement import _avec_seuils_de_l_etude

    arguments = _avec_seuils_de_l_etude(
        charger_etude(etude), ["--select", "staging", "--vars", "{autre: 3}"]
    )
    assert arguments[0] == "--vars" and arguments[2:] == ["--select", "staging"]
    variables = json.loads(arguments[1])
    assert variables["autre"] == 3 and variables["secret_seuil"] == 11
    assert variables["secret_taux_reponse_minimal"] == 0.60
    sortie = peuplement("build", "--etude", str(etude), "--vars", "{secret_seuil: 1}")
    assert sortie.returncode == 2 and "secret_seuil" in sortie.stderr, sortie.stderr


def _contenu(dossier):
    """Every file of a study as comparable content (workbooks through their cells)."""
    contenu = {}
    for f in sorted(dossier.rglob("*")):
        # the register is a timestamped log of operations, not generated data
        if f.is_file() and "entrepot" not in f.parts and "registre" not in f.parts:
            if f.suffix in (".xlsx", ".ods"):
                classeur = calamine.CalamineWorkbook.from_path(str(f))
                contenu[f.relative_to(dossier)] = [
                    classeur.get_sheet_by_name(n).to_python() for n in classeur.sheet_names
                ]
            else:
                contenu[f.relative_to(dossier)] = f.read_bytes()
    return contenu


def test_synthetic_study_is_deterministic(tmp_path):
    ecrire_etude_demo(tmp_path / "a", logements=1500, graine=11)
    ecrire_etude_demo(tmp_path / "b", logements=1500, graine=11)
    ecrire_etude_demo(tmp_path / "c", logements=1500, graine=12)
    a, b, c = (_contenu(tmp_path / x) for x in "abc")
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_demo_refuses_to_overwrite_a_real_study(etude):
    sortie = peuplement("demo", str(etude), "--force")
    message = " ".join(sortie.stderr.split())  # the console wraps long paths at 80 columns
    assert sortie.returncode == 2 and "n'est pas une étude de démonstration" in message
    assert (etude / "etude.yml").exists()


def _referentiel(dossier, nom):
    lignes = (dossier / "referentiels" / nom).read_text(encoding="utf-8").splitlines()[1:]
    return [ligne.split(";") for ligne in lignes]


def test_a_demo_of_another_shape_has_its_communes_landlords_and_contours(tmp_path):
    from peuplement.cartographie.spatial import connecter
    from peuplement.synthetique.geographie import COMMUNES

    dossier = tmp_path / "metropole"
    ecrire_etude_demo(dossier, logements=2500, graine=3, communes=30, bailleurs=2)
    communes = _referentiel(dossier, "communes.csv")
    codes = [c[0] for c in communes]
    assert len(set(codes)) == 30 and all(len(c) == 5 and c.isdigit() for c in codes)
    reelles = {c[0] for c in COMMUNES}
    assert reelles < set(codes)  # the 14 real communes, then synthetic ones named as such
    assert all("synthétique" in nom for code, nom, *_ in communes if code not in reelles)
    assert sorted(p.name for p in (dossier / "bailleurs").iterdir()) == ["ARTOIS", "BASSIN"]
    manifeste = json.loads((dossier / "synthese.json").read_text(encoding="utf-8"))
    assert (manifeste["communes"], manifeste["bailleurs"]) == (30, 2)
    # every IRIS has its contour, and together they tile one territory without holes
    con = connecter()
    contours = str(dossier / "referentiels" / "contours_iris_2024.gpkg")
    dessinees = {
        c for (c,) in con.execute("select code_iris from ST_Read(?)", [contours]).fetchall()
    }
    assert dessinees == {i[0] for i in _referentiel(dossier, "iris.csv")}
    morceaux = con.execute(
        "select count(*), sum(ST_NumInteriorRings(d.geom)) from (select unnest(ST_Dump("
        "ST_Union_Agg(geom))) as d from ST_Read(?))",
        [contours],
    ).fetchone()
    assert morceaux == (1, 0)


def test_a_small_epci_keeps_its_largest_real_communes(tmp_path):
    from peuplement.synthetique.geographie import COMMUNES

    ecrire_etude_demo(tmp_path / "cc", logements=600, graine=3, communes=4, bailleurs=1)
    codes = {c[0] for c in _referentiel(tmp_path / "cc", "communes.csv")}
    plus_grandes = sorted(COMMUNES, key=lambda c: -c[2])[:4]
    assert codes == {c[0] for c in plus_grandes}
    assert [p.name for p in (tmp_path / "cc" / "bailleurs").iterdir()] == ["ARTOIS"]


@pytest.mark.parametrize(
    ("option", "attendu"), [("--communes", "entre 1 et 100"), ("--bailleurs", "au moins un")]
)
def test_demo_refuses_a_shape_it_cannot_draw(tmp_path, option, attendu):
    sortie = peuplement("demo", str(tmp_path / "x"), option, "0")
    assert sortie.returncode == 2 and attendu in sortie.stderr
    assert not (tmp_path / "x").exists()
