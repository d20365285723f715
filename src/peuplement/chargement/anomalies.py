"""`peuplement anomalies`: what the loader could not read, per source and column, and the
mapping lines that would fix it.

For each landlord (or référentiel) and column: the distinct values left unread (unknown codes,
unreadable numbers or dates, unknown communes) with their number of rows and, for a coded field,
the nearest known code (a suggestion, never applied); the columns the loader did not recognise.
From them, a ready-to-paste `correspondances.yml` (quoted values, the référentiel's section)
and, on request, a workbook that can go back to the landlord. Reading the anomalies is an
access to raw data: it is recorded in the processing register, without any cell value.

May import: `peuplement.etude`, `peuplement.protection.registre` and the loader's `catalogue`,
`controles`, `dictionnaire`, `livraisons`, `texte`.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import ErreurConfiguration
from ..etude import entrepot
from ..etude.configuration import FICHIER_CORRESPONDANCES, Etude
from ..protection.registre import Registre
from .catalogue import JEUX
from .controles import VIDANTES
from .dictionnaire import ConfigSource, Dictionnaire, codes_par_variable
from .texte import normaliser_entete, normaliser_valeur


@dataclass
class ValeurNonLue:
    champ: str
    colonne: str  # the header as the source wrote it
    valeur: str | None
    code_raison: str
    gravite: str
    lignes: int
    proposition: str | None = None  # nearest known code (coded fields only)
    codes: list[str] = field(default_factory=list)  # the code list of a coded field


@dataclass
class Source:
    """One landlord (bailleur set) or one référentiel (bailleur None)."""

    jeu: str
    bailleur: str | None
    fichier_config: str
    valeurs: list[ValeurNonLue] = field(default_factory=list)
    colonnes_ignorees: dict[str, str | None] = field(default_factory=dict)  # header -> field?

    @property
    def nom(self) -> str:
        return self.bailleur or f"référentiel {self.jeu}"

    def lignes(self) -> int:
        return sum(v.lignes for v in self.valeurs)


def _proposition(dico: Dictionnaire, champ: str, valeur: str | None) -> str | None:
    """The code of the closest known spelling (or code label), if close enough."""
    if valeur is None:
        return None
    variable = dico.jeu.champ(champ).variable
    connues = {cle: code for ch, cle, code, _ in dico.table_valeurs() if ch == champ}
    for code, libelle in codes_par_variable()[variable].items():
        connues.setdefault(normaliser_valeur(libelle), code)
        connues.setdefault(normaliser_valeur(code), code)
    proches = difflib.get_close_matches(normaliser_valeur(valeur), list(connues), n=1, cutoff=0.6)
    return connues[proches[0]] if proches else None


def _colonne_proche(dico: Dictionnaire, entete: str) -> str | None:
    cle = normaliser_entete(entete)
    proches = difflib.get_close_matches(cle, list(dico.exact), n=1, cutoff=0.75)
    return dico.exact[proches[0]] if proches and dico.exact[proches[0]] != "ignorer" else None


def relever(etude: Etude, bailleur: str | None = None) -> list[Source]:
    """Every source's unread values and ignored columns (all landlords, or one)."""
    if bailleur is not None and bailleur not in etude.bailleurs():
        raise ErreurConfiguration(
            f"bailleur « {bailleur} » inconnu ; bailleurs de l'étude : "
            f"{', '.join(etude.bailleurs()) or 'aucun'}"
        )
    con = entrepot.ouvrir_etude(etude)
    try:
        filtre = "" if bailleur is None else "and a.bailleur = ?"
        params = [] if bailleur is None else [bailleur]
        codes = ", ".join(f"'{c}'" for c in VIDANTES)
        anomalies = con.execute(
            f"select a.jeu, a.bailleur, a.champ, any_value(a.colonne_source), a.valeur, "
            f"a.code_raison, a.gravite, count(*) from raw.anomalies a "
            f"where a.code_raison in ({codes}) {filtre} "
            "group by a.jeu, a.bailleur, a.champ, a.valeur, a.code_raison, a.gravite "
            "order by a.bailleur nulls first, a.jeu, a.champ, count(*) desc, a.valeur",
            params,
        ).fetchall()
        ignorees = con.execute(
            "select f.jeu, f.bailleur, r.colonnes_ignorees from raw.fichiers f "
            "join raw.rapport_chargement r on r.fichier_sha256 = f.fichier_sha256 "
            "and r.load_id = f.load_id and r.statut = 'charge' "
            f"where f.actif {filtre.replace('a.', 'f.')}",
            params,
        ).fetchall()
        presents = _champs_presents(con, {(j, c) for j, c, _ in ignorees})
    finally:
        con.close()
    sources: dict[tuple[str, str | None], Source] = {}

    def source(jeu: str, code: str | None) -> Source:
        if (jeu, code) not in sources:
            dossier = etude.dossier_bailleurs / code if code else etude.dossier_referentiels
            chemin = dossier / FICHIER_CORRESPONDANCES
            sources[(jeu, code)] = Source(jeu, code, str(chemin.relative_to(etude.dossier)))
        return sources[(jeu, code)]

    dicos: dict[tuple[str, str | None], Dictionnaire] = {}

    def dico(jeu: str, code: str | None) -> Dictionnaire:
        if (jeu, code) not in dicos:
            s = source(jeu, code)
            config = ConfigSource.lire(
                etude.dossier / s.fichier_config, JEUX[jeu], None if code else jeu
            )
            dicos[(jeu, code)] = Dictionnaire(JEUX[jeu], config)
        return dicos[(jeu, code)]

    for jeu, code, champ, colonne, valeur, raison, gravite, n in anomalies:
        c = JEUX[jeu].champ(champ) if champ in JEUX[jeu].noms else None
        codee = c is not None and c.type == "code"
        source(jeu, code).valeurs.append(
            ValeurNonLue(
                champ,
                colonne or champ,
                valeur,
                raison,
                gravite,
                n,
                _proposition(dico(jeu, code), champ, valeur) if codee else None,
                list(codes_par_variable()[c.variable]) if codee else [],
            )
        )
    for jeu, code, colonnes in ignorees:
        for entete in json.loads(colonnes or "[]"):
            champ = _colonne_proche(dico(jeu, code), entete)
            champ = None if champ in presents[(jeu, code)] else champ
            if code is not None or champ is not None:  # a référentiel ignores many columns
                source(jeu, code).colonnes_ignorees.setdefault(entete, champ)
    return [s for s in sources.values() if s.valeurs or s.colonnes_ignorees]


def _champs_presents(con, cles: set[tuple[str, str | None]]) -> dict:
    """The fields each source already fills: no column is proposed for them."""
    presents = {}
    for jeu, code in cles:
        noms = JEUX[jeu].noms
        comptes = con.execute(
            f"select {', '.join(f'count({n})' for n in noms)} from "
            f"{entrepot.table_jeu(JEUX[jeu])} where bailleur is not distinct from ?",
            [code],
        ).fetchone()
        presents[(jeu, code)] = {n for n, k in zip(noms, comptes, strict=True) if k}
    return presents


def _yaml(texte: str) -> str:
    """A YAML double-quoted scalar: the value is read back exactly as written."""
    return json.dumps(texte, ensure_ascii=False)


def correspondances(s: Source) -> str:
    """Lines to paste into the source's mapping file. A suggestion stays a line to check;
    a value with no suggestion is commented out until its code is chosen."""
    lignes = [f"# {s.fichier_config} : lignes proposées par « peuplement anomalies » (à vérifier)"]
    retrait = ""
    if s.bailleur is None:
        lignes.append(f"{s.jeu}:")
        retrait = "  "
    if s.colonnes_ignorees:
        lignes.append(f"{retrait}colonnes:")
        for entete, champ in s.colonnes_ignorees.items():
            if champ:
                lignes.append(f"{retrait}  {_yaml(entete)}: {champ}  # proposition, à vérifier")
            else:
                lignes.append(f"{retrait}  # {_yaml(entete)}: ignorer  # colonne non reconnue")
    codees = [v for v in s.valeurs if v.codes and v.code_raison == "CODE_INCONNU"]
    if codees:
        lignes.append(f"{retrait}valeurs:")
        champ = None
        for v in codees:
            if v.champ != champ:
                champ = v.champ
                lignes.append(f"{retrait}  {champ}:  # codes : {', '.join(v.codes)}")
            cle = _yaml(v.valeur or "")
            if v.proposition:
                lignes.append(
                    f"{retrait}    {cle}: {v.proposition}  # proposition, à vérifier ; "
                    f"{v.lignes} ligne(s)"
                )
            else:
                lignes.append(f"{retrait}    # {cle}: <code>  # {v.lignes} ligne(s)")
    autres = [v for v in s.valeurs if v not in codees]
    for v in autres:
        lignes.append(
            f"# colonne {_yaml(v.colonne)} : {_yaml(v.valeur or '')} ({v.lignes} ligne(s), "
            f"{v.code_raison}) : à corriger dans le fichier, pas de correspondance possible"
        )
    return "\n".join(lignes) + "\n"


def ecrire_classeur(sources: list[Source], chemin: Path) -> Path:
    """A workbook of the unread values (one row per source, column and value), written
    atomically; the last column is left for the landlord to fill."""
    import xlsxwriter

    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    provisoire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    classeur = xlsxwriter.Workbook(str(provisoire), {"strings_to_numbers": False})
    try:
        gras = classeur.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        feuille = classeur.add_worksheet("Valeurs non lues")
        entete = [
            "Source",
            "Colonne du fichier",
            "Champ",
            "Valeur écrite",
            "Lignes",
            "Motif",
            "Code proposé",
            "Codes possibles",
            "Code retenu (à compléter)",
        ]
        feuille.write_row(0, 0, entete, gras)
        n = 0
        for s in sources:
            for v in s.valeurs:
                n += 1
                feuille.write_row(
                    n,
                    0,
                    [
                        s.nom,
                        v.colonne,
                        v.champ,
                        v.valeur or "",
                        v.lignes,
                        v.code_raison,
                        v.proposition or "",
                        ", ".join(v.codes),
                        "",
                    ],
                )
        feuille.autofilter(0, 0, max(n, 1), len(entete) - 1)
        feuille.freeze_panes(1, 0)
        feuille.set_column(0, len(entete) - 1, 22)
        classeur.close()
        os.replace(provisoire, chemin)
    finally:
        provisoire.unlink(missing_ok=True)
    return chemin


def inscrire(
    etude: Etude,
    operateur: str | None,
    sources: list[Source],
    bailleur: str | None,
    classeur: Path | None,
) -> None:
    """The access to raw data, in the register: which sources, how many values and rows, the
    workbook written; never a value."""
    Registre(etude.dossier).ajouter(
        "lecture_anomalies",
        operateur or etude.operateur,
        {
            "bailleur": bailleur or "tous",
            "sources": [
                {
                    "source": s.nom,
                    "valeurs_distinctes": len(s.valeurs),
                    "lignes": s.lignes(),
                    "colonnes_ignorees": len(s.colonnes_ignorees),
                }
                for s in sources
            ],
            "classeur": str(classeur) if classeur else None,
        },
        "reussi",
        f"{sum(len(s.valeurs) for s in sources)} valeur(s) non lue(s) consultée(s)",
    )
