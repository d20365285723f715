"""τ-Argus (the `pytauargus` package, bench extra only) on a `TableHierarchique`, offline.

The table is given as τ-Argus expects a frequency table: microdata with one record per unit
(household) carrying its leaf zone, its category and a response variable equal to 1, written as
fixed-width `.asc` + `.rda` by `pytauargus.micro.micro_asc_rda`; the geography as an `.hrc` file
(leading `@` per level); a batch `.arb` with `<SAFETYRULE> FREQ(11,marge)` and `<SUPPRESS>`
`MOD(1,5,1,1,1)` (Modular, HiTaS) or `OPT(1,minutes)` (Optimal), optionally an a-priori file of
protection levels, run in process by `pytauargus.engine.run_batch`; the protected table read
back from a `SO+` `.tab`.

Traps found: τ-Argus's solvers write their logs (HiTaS.log, sdc.lp...) in the current directory:
it runs in its own. τ-Argus pads codes shorter than the variable's width and then no longer finds them in
the `.hrc` (error 1017, code not in code list): every zone gets a fixed-width code here.

Owns nothing of the project; imports `bench_tables` and pytauargus.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_tables import RACINE, TableHierarchique, id_cellule

METHODES = {"MOD": "MOD(1,5,1,1,1)", "OPT": "OPT(1,{minutes})"}
# τ-Argus status of a cell -> ours: unsafe (primary), secondary, safe, empty (a zero)
STATUTS = {"U": "primaire", "M": "secondaire", "S": "publie", "E": "publie", "P": "publie"}


@dataclass
class ResultatTau:
    methode: str
    secondes: float  # wall clock
    cpu: float  # this process's CPU seconds (τ-Argus runs in process)
    statuts: dict[str, str]  # our cell id -> our status


def disponible() -> str | None:
    """None when pytauargus can run here, else why not (in French)."""
    try:
        import pytauargus  # noqa: F401
        from pytauargus.engine import run_batch  # noqa: F401
    except ImportError as exc:
        return f"pytauargus absent ({exc}) : pip install -e '.[bench]'"
    return None


def _codes(th: TableHierarchique) -> dict[str, str]:
    """Fixed-width τ-Argus codes for every zone but the root (see the trap above)."""
    zones = [z for z in th.parent if z != RACINE]
    largeur = len(str(len(zones)))
    return {z: f"G{i:0{largeur}d}" for i, z in enumerate(zones)} | {RACINE: RACINE}


def _hrc(th: TableHierarchique, code: dict[str, str]) -> str:
    lignes: list[str] = []

    def visiter(zone: str, profondeur: int) -> None:
        for e in th.enfants()[zone]:
            lignes.append("@" * profondeur + code[e])
            visiter(e, profondeur + 1)

    visiter(RACINE, 0)
    return "\n".join(lignes) + "\n"


def proteger_tau(
    th: TableHierarchique,
    methode: str,
    seuil: int = 11,
    marge: int = 10,
    minutes_opt: int = 4,
    dossier: Path | None = None,
    nos_niveaux: bool = False,
) -> ResultatTau:
    """Protect the table with τ-Argus. `nos_niveaux`: give every primary our requirement as
    its protection levels (an a-priori file, `PL` lines: lower 0, upper `seuil - value`: the
    attacker must not prove it below the threshold) instead of FREQ's percentage."""
    from pytauargus.engine import run_batch
    from pytauargus.micro import micro_asc_rda

    code = _codes(th)
    zone_de = {v: k for k, v in code.items()}
    categorie = {k: f"K{i:02d}" for i, k in enumerate(th.categories)} | {RACINE: RACINE}
    categorie_de = {v: k for k, v in categorie.items()}
    micro: dict[str, list] = {"GEO": [], "CAT": [], "UN": []}
    for (zone, k), n in sorted(th.comptes.items()):
        micro["GEO"] += [code[zone]] * n
        micro["CAT"] += [categorie[k]] * n
        micro["UN"] += [1] * n
    travail = Path(dossier or tempfile.mkdtemp(prefix="bench_tau_"))
    travail.mkdir(parents=True, exist_ok=True)
    (travail / "geo.hrc").write_text(_hrc(th, code), encoding="utf-8")
    micro_asc_rda(
        micro,
        asc_filename=str(travail / "micro.asc"),
        rda_filename=str(travail / "micro.rda"),
        hrc={"GEO": str(travail / "geo.hrc")},
    )
    lignes = [
        f'<OPENMICRODATA> "{travail / "micro.asc"}"',
        f'<OPENMETADATA> "{travail / "micro.rda"}"',
        '<SPECIFYTABLE> "GEO""CAT"|"UN"||',
        f"<SAFETYRULE> FREQ({seuil},{marge})",
        "<READMICRODATA>",
    ]
    if nos_niveaux:
        valeurs = th.valeurs()
        # pytauargus 0.6.0 counts the fields of the file on its first line and takes a `PL`
        # line (two numbers) for one code too many: a first line that changes nothing (the
        # grand total's cost set to its default, its value) gets it right.
        niveaux = [f"{RACINE};{RACINE};C;{valeurs[RACINE, RACINE]}"] + [
            f"{code[z]};{categorie[k]};PL;0;{seuil - v}"
            for (z, k), v in sorted(valeurs.items())
            if 0 < v < seuil
        ]
        (travail / "niveaux.hst").write_text("\n".join(niveaux) + "\n", encoding="utf-8")
        lignes.append(f'<APRIORI> "{travail / "niveaux.hst"}",1,";",0,0')
    lignes += [
        f"<SUPPRESS> {METHODES[methode].format(minutes=minutes_opt)}",
        f'<WRITETABLE> (1,5,SO+,"{travail / "table.tab"}")',
    ]
    (travail / "batch.arb").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    debut, debut_cpu = time.perf_counter(), time.process_time()
    with contextlib.chdir(travail):  # its solvers write their logs in the current directory
        run_batch(travail / "batch.arb")
    secondes, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
    statuts: dict[str, str] = {}
    for zone, k, statut in _lire(travail / "table.tab"):
        statuts[id_cellule(zone_de[zone], categorie_de[k])] = STATUTS[statut]
    return ResultatTau(methode, secondes, cpu, statuts)


def _lire(chemin: Path) -> list[tuple[str, str, str]]:
    """(zone code, category code, status) from a `SO+` table: codes;value;freq;cost;status;..."""
    lignes = []
    with open(chemin, encoding="utf-8") as f:
        for texte in f:
            champs = texte.rstrip("\n").split(";")
            if len(champs) < 7:
                continue
            lignes.append((champs[0].strip('"').strip(), champs[1].strip('"').strip(), champs[-3]))
    return lignes
