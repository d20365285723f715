"""`peuplement lot`: several studies loaded and built in one run give the same release as each
study built alone, and one broken study does not stop the others."""

from __future__ import annotations

from aides import peuplement

from peuplement.synthetique.etude_demo import ecrire_etude_demo

OUVERTS = ("cellules.csv", "zones.csv", "indicateurs.csv")


def test_batch_builds_each_study_as_alone_and_reports_failures(etude_exportee, tmp_path):
    # the same study, loaded and built alone (`peuplement charger`, then `peuplement exporter`:
    # the full build `construire` runs without arguments): conftest
    seule, alone = etude_exportee
    assert alone.returncode == 0, alone.stdout[-3000:] + alone.stderr[-3000:]
    lot = tmp_path / "lot"
    ecrire_etude_demo(lot / "epci_a", logements=600, graine=11)
    (lot / "epci_casse").mkdir(parents=True)
    (lot / "epci_casse" / "etude.yml").write_text("epci: [non fermé\n", encoding="utf-8")

    sortie = peuplement("lot", str(lot), "--travaux", "2", "--memoire", "2GB")

    assert sortie.returncode == 1, sortie.stdout + sortie.stderr
    texte = sortie.stdout + sortie.stderr
    assert "2 étude(s), 2 à la fois, 1024MB" in texte
    assert "1 étude(s) réussie(s), 1 en échec." in texte
    assert "Traceback" not in texte
    journal = (lot / "epci_casse" / "journal" / "lot_charger.log").read_text(encoding="utf-8")
    assert "Erreur" in journal and "Traceback" not in journal
    assert not (lot / "epci_casse" / "exports").exists()

    for nom in OUVERTS:
        en_lot = (lot / "epci_a" / "exports" / nom).read_bytes()
        assert en_lot == (seule / "exports" / nom).read_bytes(), nom
    assert (seule / "exports" / "cellules.csv").read_bytes().count(b"\n") > 1000


def test_batch_refuses_a_folder_without_study(tmp_path):
    sortie = peuplement("lot", str(tmp_path))
    assert sortie.returncode == 2
    assert "aucune étude trouvée" in sortie.stderr and "Traceback" not in sortie.stderr


def test_batch_shares_the_cores_between_its_studies(monkeypatch):
    """Two studies at a time on two cores: each study's secrecy pool gets one process (four
    processes on two cores slowed every study down); a number the caller sets is kept."""
    from peuplement.lot.execution import Lot

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert Lot(travaux=2, env={}).env["PEUPLEMENT_SECRET_PROCESSUS"] == "1"
    assert Lot(travaux=1, env={}).env["PEUPLEMENT_SECRET_PROCESSUS"] == "2"
    assert Lot(travaux=3, env={}).env["PEUPLEMENT_SECRET_PROCESSUS"] == "1"
    choisi = Lot(travaux=2, env={"PEUPLEMENT_SECRET_PROCESSUS": "2"})
    assert choisi.env["PEUPLEMENT_SECRET_PROCESSUS"] == "2"
