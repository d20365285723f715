"""The dbt docs site a French reviewer opens: it starts on the project's French overview page
(not dbt's English welcome), and every model carries the tag and group of its layer, so the
lineage graph can be filtered by layer from the site."""

import json
import shutil

from aides import dbt

COUCHES = {  # folder of the model -> (tags, group)
    "staging": ({"preparation"}, "preparation"),
    "intermediate": ({"intermediaire"}, "intermediaire"),
    "secret": ({"intermediaire", "secret"}, "secret"),
    "marts": ({"publication"}, "publication"),
    "exports": ({"livrables"}, "livrables"),
}


def test_the_docs_open_in_french_and_filter_by_layer(entrepot_construit, tmp_path):
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(entrepot_construit[0], copie)
    sortie = dbt(["docs", "generate", "--static"], copie, tmp_path)
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    manifeste = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    accueil = manifeste["docs"]["doc.peuplement.__overview__"]["block_contents"]
    assert accueil.startswith("# Étude de peuplement du parc social")
    for etiquette in ("preparation", "intermediaire", "secret", "publication", "livrables"):
        assert f"`{etiquette}`" in accueil  # the page tells how to filter by each layer
    modeles = [n for n in manifeste["nodes"].values() if n["resource_type"] == "model"]
    assert len(modeles) > 20
    for modele in modeles:
        dossiers = modele["original_file_path"].split("/")
        couche = "secret" if "secret" in dossiers[2:-1] else dossiers[1]
        etiquettes, groupe = COUCHES[couche]
        assert set(modele["tags"]) == etiquettes and modele["group"] == groupe, modele["name"]
    site = (tmp_path / "target" / "static_index.html").read_text(encoding="utf-8")
    assert "du parc social : documentation de l'entrep" in site  # the page is in the site
