"""Which sheet of a workbook holds the table to load, and where its header row is.

May import: the loader's `dictionnaire`, `entete` and `lecture`.
"""

from __future__ import annotations

from ..erreurs import ErreurFichier
from .dictionnaire import Dictionnaire
from .entete import Entete, champs_manquants, detecter_entete
from .lecture import Feuille
from .livraisons import Livraison


def choisir_feuille(
    rel: str, feuilles: list[Feuille], dico: Dictionnaire, livraison: Livraison
) -> tuple[Feuille, Entete, list[str]]:
    """(sheet, its header, names of the other sheets left aside because they hold no table).

    The sheet named in the mapping file if any; else the only one whose header has every
    required column; else the one naming the most fields (its header check will then name
    what is missing)."""
    noms = [f.nom for f in feuilles]
    if livraison.config.feuille:
        for f in feuilles:
            if f.nom == livraison.config.feuille:
                entete = detecter_entete(f.lignes, dico)
                if entete is None:
                    raise ErreurFichier(f"{rel}, feuille « {f.nom} »", sans_entete(f, dico))
                return f, entete, []
        raise ErreurFichier(
            rel,
            f"feuille « {livraison.config.feuille} » (déclarée dans "
            f"{livraison.fichier_config}) introuvable ; feuilles : {noms}",
        )
    if all(not f.lignes for f in feuilles):
        raise ErreurFichier(rel, "le fichier ne contient aucune donnée (feuilles vides)")
    analyses = [(f, detecter_entete(f.lignes, dico)) for f in feuilles]
    trouvees = [(f, e) for f, e in analyses if e is not None]
    completes = [(f, e) for f, e in trouvees if not champs_manquants(e, dico)]
    if len(completes) > 1:
        raise ErreurFichier(
            rel,
            "plusieurs feuilles contiennent un tableau de logements : "
            + ", ".join(f"« {f.nom} »" for f, _ in completes)
            + f" ; indiquez laquelle charger dans {livraison.fichier_config} (feuille: ...)",
        )
    if completes:
        f, e = completes[0]
        return f, e, [x.nom for x in feuilles if x is not f and x.nom]
    if trouvees:
        f, e = max(trouvees, key=lambda fe: len(fe[1].champs))
        return f, e, []  # verifier_entete will name the missing columns
    f = next(x for x in feuilles if x.lignes)
    raise ErreurFichier(rel + (f", feuille « {f.nom} »" if f.nom else ""), sans_entete(f, dico))


def sans_entete(f: Feuille, dico: Dictionnaire) -> str:
    apercu = [str(c) for c in (f.lignes[0] if f.lignes else []) if c not in ("", None)][:8]
    return (
        f"en-tête introuvable : aucune des {min(len(f.lignes), 50)} premières lignes ne "
        f"contient au moins deux en-têtes reconnus pour un {dico.jeu.libelle} "
        f"(première ligne : {apercu}) ; vérifiez le fichier ou déclarez ses colonnes "
        "dans correspondances.yml"
    )
