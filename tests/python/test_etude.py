"""Study directories: `peuplement init`, etude.yml validation, deterministic synthetic studies."""

import pytest
import python_calamine as calamine
from aides import peuplement

from peuplement.erreurs import ErreurConfiguration
from peuplement.etude.configuration import charger_etude
from peuplement.synthetique.etude_demo import ecrire_etude_demo


def test_init_creates_a_study_and_refuses_to_overwrite_it(tmp_path):
    dossier = tmp_path / "cahc"
    sortie = peuplement("initialiser", str(dossier), "--epci", "246200364", "--operateur", "A. Nalyste")
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
    with pytest.raises(ErreurConfiguration, match="epci, operateur"):
        charger_etude(etude)


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
    assert sortie.returncode == 2 and "n'est pas une étude de démonstration" in sortie.stderr
    assert (etude / "etude.yml").exists()
