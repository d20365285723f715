"""Find the header row of a sheet and map its columns to canonical fields."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..erreurs import ErreurFichier
from .dictionnaire import Dictionnaire
from .texte import en_texte, normaliser_entete

LIGNES_EXPLOREES = 50


@dataclass
class Entete:
    index: int  # index of the header row in Feuille.lignes
    colonnes: dict[str, int] = field(default_factory=dict)  # field -> column index
    listes: dict[str, list[int]] = field(default_factory=dict)  # list field -> column indexes
    libelles: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignorees: list[str] = field(default_factory=list)  # headers mapped to no field
    doublons: list[tuple[str, str, str, int]] = field(default_factory=list)  # (+ column)
    departages: list[str] = field(default_factory=list)  # doubled columns settled by the data
    alertes: list[str] = field(default_factory=list)  # doubled columns whose values differ
    hauteur: int = 1  # rows the header spans (2: a merged two-row header ending at index)

    @property
    def champs(self) -> set[str]:
        return set(self.colonnes) | set(self.listes)


def analyser_ligne(cellules: list, index: int, dico: Dictionnaire) -> Entete:
    entete = Entete(index)
    rangs: dict[str, list[tuple[int, int]]] = {}
    for j, cellule in enumerate(cellules):
        texte = en_texte(cellule)
        if texte is None:
            continue
        corr = dico.correspondance(texte)
        if corr is None:
            if not dico.est_ignoree_explicitement(texte):
                entete.ignorees.append(texte)
            continue
        if corr.rang is not None:
            rangs.setdefault(corr.champ, []).append((corr.rang, j))
            entete.libelles.setdefault(corr.champ, texte)
        elif corr.champ in entete.colonnes:
            entete.doublons.append((corr.champ, entete.libelles[corr.champ], texte, j))
        else:
            entete.colonnes[corr.champ] = j
            entete.libelles[corr.champ] = texte
    for champ, positions in rangs.items():
        entete.listes[champ] = [j for _, j in sorted(positions)]
    return entete


def fusionner(haut: list, bas: list, dico: Dictionnaire) -> list:
    """One header row from two (a merged two-row header): per column, the lower cell if it
    names a field, else the upper group label (carried over its merged span) and the lower
    cell together, else the upper cell alone (a label merged down over both rows)."""
    largeur = max(len(haut), len(bas))
    haut = list(haut) + [None] * (largeur - len(haut))
    bas = list(bas) + [None] * (largeur - len(bas))
    cellules, groupe = [], None
    for h, b in zip(haut, bas, strict=True):
        h, b = en_texte(h), en_texte(b)
        if h is not None:
            groupe = h
        if b is not None and (dico.correspondance(b) or dico.est_ignoree_explicitement(b)):
            cellules.append(b)
        elif b is not None and groupe is not None and dico.correspondance(f"{groupe} {b}"):
            cellules.append(f"{groupe} {b}")
        else:
            cellules.append(b if b is not None else h)
    return cellules


def detecter_entete(lignes: list[list], dico: Dictionnaire) -> Entete | None:
    """The row among the first ones that names the most canonical fields (at least two), or
    two rows together when they name more (a merged two-row header)."""
    meilleure: Entete | None = None
    precedente: Entete | None = None
    for i, cellules in enumerate(lignes[:LIGNES_EXPLOREES]):
        candidates = [analyser_ligne(cellules, i, dico)]
        if i and precedente is not None and (precedente.champs or candidates[0].champs):
            double = analyser_ligne(fusionner(lignes[i - 1], cellules, dico), i, dico)
            double.hauteur = 2
            candidates.append(double)
        precedente = candidates[0]
        for candidate in candidates:
            if len(candidate.champs) >= 2 and (
                meilleure is None or len(candidate.champs) > len(meilleure.champs)
            ):
                meilleure = candidate
    return meilleure


_CODE_COMMUNE = re.compile(r"^\d[\dAB]\d{2,3}$")
_NOMBRE = re.compile(r"\s*[-+]?\d+([.,]\d+)?\s*")


def ligne_config(entete_source: str, champ: str, section: str | None = None) -> str:
    """The `correspondances.yml` line mapping a header to a field (or to `ignorer`), under its
    dataset's section for a référentiels' mapping file."""
    ligne = f'colonnes: {{"{entete_source}": {champ}}}'
    return f"{section}: {{{ligne}}}" if section else ligne


def departager(
    entete: Entete,
    donnees: list[list],
    dico: Dictionnaire,
    fichier_config: str,
    section: str | None = None,
) -> None:
    """Two columns naming one field: keep the one that carries the data when the data say so
    (the other is empty or identical; for a coded field, both give the same codes and one
    more of them: a code column beside its label column; for a commune, the one holding INSEE
    codes beside one holding names). When they truly differ, the column with more readable
    values (recognised codes, numbers, filled cells; the first one on a tie) is kept and the
    file's report warns, with the line that chooses the other one: the load goes on."""
    import pyarrow as pa

    def valeurs(j: int) -> list[str | None]:
        return [en_texte(r[j]) if j < len(r) else None for r in donnees]

    def codes(champ: str, vs: list) -> list | None:
        if dico.jeu.champ(champ).type != "code":
            return None
        return dico.coder(champ, pa.array(vs, pa.string())).to_pylist()

    def plus_de_codes(c1: list | None, c2: list | None) -> bool | None:
        """True when the first column gives more codes, False the second, None if they
        disagree somewhere (or the field is not coded)."""
        if c1 is None or c2 is None or any(a != b for a, b in zip(c1, c2, strict=True) if a and b):
            return None
        n1, n2 = sum(map(bool, c1)), sum(map(bool, c2))
        return None if n1 == n2 else n1 > n2

    def lisibles(champ: str, vs: list, cs: list | None) -> int:
        if cs is not None:
            return sum(map(bool, cs))
        if dico.jeu.champ(champ).type in ("entier", "decimal"):
            return sum(bool(v) and _NOMBRE.fullmatch(v) is not None for v in vs)
        return sum(map(bool, vs))

    for champ, _, second, j2 in entete.doublons:
        premier = entete.libelles[champ]  # a third column is weighed against the one kept
        v1, v2 = valeurs(entete.colonnes[champ]), valeurs(j2)
        c1, c2 = codes(champ, v1), codes(champ, v2)
        insee = [all(_CODE_COMMUNE.match(v) for v in vs if v) and any(vs) for vs in (v1, v2)]
        insee = insee if champ == "commune" else [None, None]
        mieux = plus_de_codes(c1, c2)
        note = ""
        if not any(v2) or v1 == v2 or insee == [True, False] or mieux is True:
            premier_garde = True
        elif not any(v1) or insee == [False, True] or mieux is False:
            premier_garde = False
        else:
            n1, n2 = lisibles(champ, v1, c1), lisibles(champ, v2, c2)
            premier_garde = n1 >= n2
            garde = premier if premier_garde else second
            entete.alertes.append(
                f"les colonnes « {premier} » et « {second} » correspondent toutes deux au champ "
                f"{champ} et leurs valeurs diffèrent : « {garde} » retenue ({max(n1, n2)} "
                f"valeur(s) lisible(s) contre {min(n1, n2)}) ; pour retenir l'autre, ajoutez "
                f"dans {fichier_config} : {ligne_config(garde, 'ignorer', section)}"
            )
            note = " (valeurs différentes : à vérifier)"
        garde, laisse = (premier, second) if premier_garde else (second, premier)
        if not premier_garde:
            entete.colonnes[champ], entete.libelles[champ] = j2, second
        entete.ignorees.append(laisse)
        entete.departages.append(f"« {garde} » retenue plutôt que « {laisse} » pour {champ}{note}")
    entete.doublons = []


def champs_manquants(entete: Entete, dico: Dictionnaire) -> list[str]:
    return [c.nom for c in dico.jeu.champs if c.colonne_obligatoire and c.nom not in entete.champs]


def verifier_entete(
    entete: Entete,
    dico: Dictionnaire,
    ou: str,
    fichier_config: str,
    numero: int,
    section: str | None = None,
) -> None:
    """Raise a French error naming missing columns, with the closest headers;
    `section` is the dataset's section in a référentiels' mapping file (rpls:, ...)."""
    manquants = champs_manquants(entete, dico)
    if not manquants:
        return
    trouvees = list(entete.libelles.values()) + entete.ignorees
    details = []
    for nom in manquants:
        champ = dico.jeu.champ(nom)
        proches = _entetes_proches(nom, entete.ignorees, dico)
        conseil = f" ; en-tête proche : « {proches[0]} »" if proches else ""
        details.append(f"« {champ.libelle} » (champ {nom}){conseil}")
    exemple = _entetes_proches(manquants[0], entete.ignorees, dico)
    ajout = ligne_config(exemple[0] if exemple else "<en-tête>", manquants[0], section)
    raise ErreurFichier(
        ou,
        f"en-tête ligne {numero}  : colonne(s) obligatoire(s) absente(s) : "
        + " ; ".join(details)
        + f". Colonnes trouvées : {_liste_courte(trouvees)}. "
        f"Si la colonne existe sous un autre nom, déclarez-la dans {fichier_config} : {ajout}",
    )


_MOTS_GENERIQUES = {"code", "numero", "num", "nombre", "libelle", "identifiant", "date", "type"}


def _liste_courte(entetes: list[str], nombre: int = 30) -> str:
    """The first headers, then how many more: a message stays readable for a wide file."""
    if not entetes:
        return "aucune"
    texte = ", ".join(f"« {t} »" for t in entetes[:nombre])
    reste = len(entetes) - nombre
    return texte + (f" et {reste} autre(s)" if reste > 0 else "")


def _entetes_proches(champ: str, candidats: list[str], dico: Dictionnaire) -> list[str]:
    """Headers of the file that look like the field: sharing a distinctive word with one of
    its spellings first (« COMMUNE_DU_LOGEMENT » for « code commune »), then by spelling.
    Each spelling is compared once with every header (difflib's cheap upper bounds first)."""
    synonymes = dico.synonymes(champ) + [champ]
    mots = {m for s in synonymes for m in s.split("_") if len(m) >= 4} - _MOTS_GENERIQUES
    cles = {texte: normaliser_entete(texte) for texte in candidats}
    ratios = dict.fromkeys(cles, 0.0)
    for synonyme in synonymes:
        comparateur = difflib.SequenceMatcher(None, "", synonyme)
        for texte, cle in cles.items():
            comparateur.set_seq1(cle)
            meilleur = ratios[texte]
            if comparateur.real_quick_ratio() > meilleur and comparateur.quick_ratio() > meilleur:
                ratios[texte] = max(meilleur, comparateur.ratio())
    scores = []
    for texte, cle in cles.items():
        ratio = ratios[texte] + (1 if mots & set(cle.split("_")) else 0)
        if ratio >= 0.5:
            scores.append((ratio, texte))
    return [t for _, t in sorted(scores, reverse=True)]
