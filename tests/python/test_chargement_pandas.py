"""pandas is no dependency of the loader: where it is installed, a load still never imports it
(pyarrow and DuckDB would, only to tell its types apart), and it imports as usual afterwards."""

import subprocess
import sys

from aides import ENTETE, ecrire, ligne

SCRIPT = """
import sys
from peuplement.chargement.chargeur import charger
from peuplement.etude.configuration import charger_etude
resultat = charger(charger_etude(sys.argv[1]))
print(resultat.fichiers[0].rows_loaded, "pandas" in sys.modules)
import pandas
print(pandas.DataFrame({"a": [1, 2]})["a"].sum())
"""


def test_a_load_does_not_import_pandas(etude):
    ecrire(etude, "A", "a.xlsx", [ENTETE, ligne(1), ligne(2)])
    sortie = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(etude)], capture_output=True, text=True, check=True
    )
    assert sortie.stdout.split() == ["2", "False", "3"]
