"""Values recognised by their meaning when no dictionary spelling matches them exactly.

An income band is read from its numbers in any wording ("Inférieur à 20%", "Entre 20 et 40 %
du plafond", "20-40", "0,2 à 0,4", "> 100 %"); occupation, household type and yes/no from their
key words (the convention's "donné en location à des organismes tiers", "Famille
monoparentale avec 2 enfants", "Non répondu"...). Every rule is deterministic and answers None
when unsure: fuzzy matches are never applied here, they are only offered as suggestions
(`anomalies`). The built-in dictionary and the landlord's mapping file always come first.

May import: the loader's `texte`.
"""

from __future__ import annotations

import re

from .texte import sans_accents

_NOMBRE = re.compile(r"\d+(?:[.,]\d+)?")
_BANDES = {(0, 20): "moins_20", (20, 40): "20_40", (40, 60): "40_60", (60, 100): "60_100"}
_INCONNU = re.compile(
    r"^(inconnu\w*|non (renseigne|communique|connu|declare|precise)\w*|nr|nc|nsp|nd|\?+|"
    r"ne sait pas|sans (information|objet|reponse)|pas de (revenu|ressources) declare\w*|"
    r"refus\w*|ressources inconnues|revenus? inconnus?)$"
)
_MOT_BAS = re.compile(r"<|≤|\binf\b|inferieur|moins|jusqu|au plus|maxi|\bmax\b|en dessous|sous ")
_MOT_HAUT = re.compile(
    r">|≥|\bsup\b|superieur|plus de|au dela|et plus|ou plus|\+|au moins|mini|\bmin\b|depasse|"
    r"au dessus|dessus de|^plus\b"
)


def _mots(valeur: str) -> str:
    """Lower case, no accents, punctuation other than < > + % as spaces."""
    texte = sans_accents(str(valeur)).lower().replace("≤", "<").replace("≥", ">")
    texte = re.sub(r"[^a-z0-9<>+%.,?]+", " ", texte)
    return re.sub(r"\s+", " ", texte).strip()


def _proche(a: float, b: float) -> bool:
    return abs(a - b) <= 1.0


def revenu_plafond(valeur: str) -> str | None:
    """The income band of a wording, from its numbers (percent of the HLM ceilings)."""
    t = _mots(valeur)
    if _INCONNU.match(t):
        return "inconnu"
    t = re.sub(r"plafonds? (plus|pls|plai|hlm)\b", " ", t)  # "plafonds PLUS" is not "more"
    t = re.sub(
        r"\b(du|des|de|le|les) plafonds?\b|\bplafonds?\b|\bressources?\b|\brevenus?\b", " ", t
    )
    nombres = [float(n.replace(",", ".")) for n in _NOMBRE.findall(t)]
    if not nombres or len(nombres) > 2:
        return None
    if max(nombres) <= 1.2 and "%" not in t:  # written as ratios: 0,2 - 0,4
        nombres = [n * 100 for n in nombres]
    if len(nombres) == 2:
        bas, haut = sorted(nombres)
        if _proche(bas, 100) or bas > 100:
            return "plus_100"
        for (b, h), code in _BANDES.items():
            if _proche(bas, b) and _proche(haut, h):
                return code
        return None
    (n,) = nombres
    if _MOT_HAUT.search(t):
        return "plus_100" if n >= 99 else None
    if _MOT_BAS.search(t):
        return "moins_20" if _proche(n, 20) else None
    return None


def occupation(valeur: str) -> str | None:
    t = _mots(valeur)
    if re.search(
        r"tiers|associati|organisme|foyer|residence sociale|intermediation|sous location|"
        r"pris en charge|bail glissant|gestion locative",
        t,
    ):
        return "loue_tiers"
    if re.search(
        r"vacan|\bvide\b|inoccup|non occup|non lou|\blibre\b|disponible|propose a la location|"
        r"en attente de location|a louer",
        t,
    ):
        return "vacant"
    if re.search(r"\blou|occupe|en location|locataire|bail en cours|\bhabite", t):
        return "loue"
    return None


def oui_non(valeur: str) -> str | None:
    t = _mots(valeur)
    if _INCONNU.match(t):  # "non renseigné" is not "non"
        return None
    if re.match(r"(non|n|no|pas|sans|aucun\w*|faux|false|0)\b", t):
        return "non"
    if re.match(
        r"(oui|o|y|yes|vrai|true|x|1|ok|a repondu|repondu|repondant|beneficiaire|percoit|"
        r"apl|al|als|alf|aide au logement)\b",
        t,
    ):
        return "oui"
    return None


def situation_familiale(valeur: str) -> str | None:
    t = _mots(valeur)
    if re.search(
        r"monoparent|famille mono|parent (isole|seul)|(mere|pere) (isolee?|seule?)", t
    ) or (re.search(r"isole|seul", t) and re.search(r"avec (\d+ )?enfant", t)):
        return "monoparentale"
    if "couple" in t:
        if re.search(r"sans enfant|0 enfant|pas d enfant", t):
            return "couple_sans_enfant"
        if re.search(r"avec|enfant", t):
            return "couple_avec_enfants"
        return None
    if re.search(r"personne seule|\bisolee?s?\b|^seule?\b|homme seul|femme seule|1 personne", t):
        return "personne_seule"
    if re.search(r"^autres?\b|cohabit|coloc|complexe|plusieurs (familles|menages)", t):
        return "autre"
    return None


REGLES = {
    "revenu_plafond": revenu_plafond,
    "occupation": occupation,
    "oui_non": oui_non,
    "situation_familiale": situation_familiale,
}


def interpreter(variable: str | None, valeur: str | None) -> str | None:
    """The canonical code a value means for a code list, or None when unsure."""
    regle = REGLES.get(variable or "")
    if regle is None or valeur is None or not str(valeur).strip():
        return None
    return regle(str(valeur))
