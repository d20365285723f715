"""The workbooks: the CIL's (all landlords together) and each landlord's restitution, same
layout, made for a reader who opens it without help.

- « Présentation »: what the workbook is, the mandatory mention, the rules of secrecy, the share
  of figures published per maille, the list of sheets.
- « Chiffres clés »: every indicator of the EPCI, grouped by theme, for the whole EPCI and its
  parts in and out of QPV.
- One sheet per theme (at most 4 zone columns + the theme's indicators): the EPCI reference rows
  (whole, in QPV, out of QPV) on top, frozen and repeated on every printed page, then every zone
  of every maille, one maille after the other (a page break between them), a filter on the
  « Maille » column. A résidence none of whose figures of the theme is published is left out
  (counted in a note under the table): pages of `s` only tell a reader nothing.
- « Graphiques »: one chart per theme (its key indicator, EPCI first, then the communes), built
  from « Données des graphiques » where a hidden figure is an empty cell (a gap, never a false
  zero) and its category carries the mark: « Carvin (s) ». Axes start at 0 and end just above
  the largest published value.
- « Méthodologie »: indicators by label and definition, the rules, the marks.

Labels, never codes, except the zone codes (for joining with other files) and, last on the
methodology sheet, each indicator's name in the open files."""

from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from .donnees import NON_COMMUNIQUE, Indicateur, Publication
from .nombres import pourcentage
from .themes import THEMES, Theme, definition_lecteur, indicateurs_du_theme, sans_theme

ENSEMBLE = "ensemble"
MARQUES = {
    "s": "secret statistique : valeur masquée (moins de 11 unités, part à 0 % ou 100 %, ou "
    "valeur qui permettrait d'en retrouver une autre par différence)",
    "nd": "non diffusé : taux de réponse à l'enquête de la zone inférieur au minimum",
    NON_COMMUNIQUE: "non communiqué : variable que les bailleurs de la zone n'ont pas transmise "
    "(par exemple les colonnes d'emploi) ; ni un secret, ni un zéro",
}
# a landlord's restitution: its own figures, primary rules only
MARQUES_RESTITUTION = {
    "s": "secret statistique : moins de 11 unités, part à 0 % ou 100 %, ou zone de moins de 11 "
    "de vos logements (règles de la convention ; aucun masquage secondaire)",
    "nd": "non diffusé : votre taux de réponse à l'enquête dans la zone est inférieur au minimum",
    NON_COMMUNIQUE: "non communiqué : variable que vous n'avez pas transmise ; ni un secret, ni "
    "un zéro",
}


def marques(bailleur: str) -> dict[str, str]:
    """The marks of the CIL workbook (`ensemble`) or of a landlord's restitution."""
    return MARQUES if bailleur == ENSEMBLE else MARQUES_RESTITUTION


MOIS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
# maille -> what a row of that maille is, in the « Maille » column (reading order)
MAILLES_LIGNES = {
    "commune": "Commune",
    "commune_qpv": "Commune, dans ou hors QPV",
    "qpv": "QPV",
    "iris": "IRIS",
    "quartier": "Quartier",
    "residence": "Résidence",
}
REFERENCE = (("epci", ""), ("epci_qpv", "-qpv"), ("epci_qpv", "-hors_qpv"))
# the many small zones whose rows are left out of a theme sheet when none of its figures is
# published (a page of `s` tells a reader nothing; the count is noted under the table)
MAILLES_SANS_LIGNES_VIDES = ("residence",)
COLONNES_ZONE = ["Maille", "Zone", "Commune", "Code"]
NOTE_HORS_QPV = (
    "Hors QPV : y compris les quelques logements que le répertoire RPLS ne permet pas de situer."
)
FEUILLE_DONNEES = "Données des graphiques"
LIGNE = 12.75  # points: the height of a row in Arial 10 (Excel and LibreOffice)
PIXELS_PAR_CARACTERE = 8  # a column's width on paper (LibreOffice: about 8 px a character)
# printable A4 landscape in points, with the default margins (0.7 in at the sides, 0.75 in at
# the top and bottom); what is left once scaled to the sheet's width decides the page breaks
PAGE_LARGEUR, PAGE_HAUTEUR = 842 - 2 * 50.4, 595 - 2 * 54
MARGE_SECURITE = 0.9  # LibreOffice and Excel round rows differently: keep a margin
UNITES = {"menages": "ménages", "points": "points de %"}  # what a figure counts, in words


def date_longue(d: dt.date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MOIS[d.month - 1]} {d.year}"


def mention(pub: Publication) -> str:
    """The mandatory mention of the convention, with the study's reference date."""
    return f"Données d'occupation du parc social au {date_longue(pub.date_reference)}"


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}

        def f(**k):
            return wb.add_format({**base, **k})

        self.titre = f(bold=True, font_size=14, font_color="#1F3864")
        self.sous_titre = f(bold=True, font_size=11, font_color="#1F3864")
        self.texte = f(text_wrap=True, valign="top")
        self.note = f(italic=True, font_size=9, font_color="#595959")
        self.note_longue = f(italic=True, font_size=9, font_color="#595959", text_wrap=True)
        self.gras = f(bold=True, valign="top")
        self.entete = f(bold=True, text_wrap=True, bg_color="#D9E1F2", border=1, align="center")
        self.theme = f(bold=True, font_color="#1F3864", bg_color="#EDF1F9", border=1)
        self.code = f(num_format="@", border=1)
        self.libelle = f(border=1, text_wrap=True)
        nombres = {
            "entier": "# ##0",
            "pourcentage": "0.0%",
            "decimal": "0.00",
            "points": '+0.0" pts";-0.0" pts";0.0" pts"',
        }
        self.nombres = {k: f(num_format=v, border=1) for k, v in nombres.items()}
        self.ref_libelle = f(border=1, bold=True, bg_color="#FFF2CC", text_wrap=True)
        self.ref_code = f(num_format="@", border=1, bold=True, bg_color="#FFF2CC")
        self.ref_nombres = {
            k: f(num_format=v, border=1, bold=True, bg_color="#FFF2CC") for k, v in nombres.items()
        }
        self.marque = f(
            align="center", italic=True, font_color="#595959", bg_color="#F2F2F2", border=1
        )


TYPES_FORMATS = {
    "effectif": "entier",
    "part": "pourcentage",
    "taux": "pourcentage",
    "moyenne": "decimal",
    "ecart": "points",
}


# an indicator the study's publication plan leaves out at a maille is an empty cell
NOTE_PLAN = (
    "Case vide : indicateur que le plan de publication de l'étude ne publie pas à cette maille."
)


def valeur_affichee(indicateur: Indicateur, cellule) -> float | str | None:
    """What a sheet shows for one indicator of one zone: the number, or its mark."""
    if cellule is None:
        return None
    statut, numerateur, _, valeur = cellule
    if statut != "publie":
        return statut
    if indicateur.type == "effectif":
        return numerateur
    if indicateur.type == "ecart":
        return None if valeur is None else valeur * 100  # percentage points
    return valeur


def _ecrire_valeur(ws, r, k, formats, indicateur, cellule, reference=False) -> None:
    valeur = valeur_affichee(indicateur, cellule)
    if valeur is None:
        return
    if isinstance(valeur, str):
        ws.write_string(r, k, valeur, formats.marque)
    else:
        tous = formats.ref_nombres if reference else formats.nombres
        ws.write_number(r, k, valeur, tous[TYPES_FORMATS[indicateur.type]])


def _mise_en_page(ws, pub: Publication, titre: str, largeur: int = 1) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(largeur, 0)  # fitted to the page width, as many pages down as needed
    ws.set_header(f'&L&"Arial,Bold"{titre}&R{mention(pub)}')
    ws.set_footer(f"&L{pub.libelle_epci} – {pub.millesime}&RPage &P / &N")


def ecrire_classeur(
    chemin: Path, pub: Publication, bailleur: str = ENSEMBLE, cartes: Sequence = ()
) -> None:
    """The CIL workbook (`bailleur` = ensemble) or one landlord's restitution. `cartes`: maps
    (objects with maille, indicateur, titre, chemin to a PNG, bailleur), on a « Cartes » sheet:
    only those drawn from this workbook's figures (the release's for the CIL, the landlord's own
    for a restitution)."""
    wb = xlsxwriter.Workbook(
        str(chemin),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    wb.set_properties(
        {"title": _titre(pub, bailleur), "author": "peuplement", "comments": mention(pub)}
    )
    formats = _Formats(wb)
    themes = [(t, indicateurs_du_theme(pub, t)) for t in THEMES]
    autres = sans_theme(pub)
    if autres:
        themes.append((Theme("autres", "Autres indicateurs", "Autres", (), (), ""), autres))
    themes = [(t, i) for t, i in themes if i]
    _couverture(wb, formats, pub, bailleur, themes)
    _chiffres_cles(wb, formats, pub, bailleur, themes)
    for theme, indicateurs in themes:
        _feuille_theme(wb, formats, pub, bailleur, theme, indicateurs)
    _graphiques(wb, formats, pub, bailleur, themes)
    cartes = [c for c in cartes if getattr(c, "bailleur", ENSEMBLE) == bailleur]
    if cartes:
        _cartes(wb, formats, pub, cartes)
    _methodologie(wb, formats, pub, bailleur, themes)
    wb.close()


def _titre(pub: Publication, bailleur: str) -> str:
    if bailleur == ENSEMBLE:
        return f"Étude de peuplement – {pub.libelle_epci} – Conférence intercommunale du logement"
    return f"Étude de peuplement – {pub.libelle_epci} – restitution à {pub.bailleurs.get(bailleur, bailleur)}"


def _hauteur(texte: str, largeur: int) -> int:
    """Row height (points) for a wrapped text in a column of `largeur` characters."""
    return 13 * max(1, math.ceil(len(texte) / largeur))


def _couverture(wb, formats: _Formats, pub: Publication, bailleur: str, themes) -> None:
    ws = wb.add_worksheet("Présentation")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 3, 30)  # the texts span B:D; the table below has one column each
    ws.write_string(0, 0, _titre(pub, bailleur), formats.titre)
    ws.write_string(1, 0, mention(pub), formats.sous_titre)
    reponse = pub.cellules.get(("epci", pub.code_epci, bailleur, "taux_reponse"))
    if reponse and reponse[0] == "publie":
        taux = pourcentage(reponse[3])
    elif reponse and reponse[0] == "s":
        taux = "s (secret statistique)"
    else:
        taux = "nd (non diffusé)"
    couverts = (
        ", ".join(pub.bailleurs.values())
        if bailleur == ENSEMBLE
        else f"{pub.bailleurs.get(bailleur, bailleur)} : ses propres logements"
    )
    auditees = f"{pub.cibles_auditees:,}".replace(",", "\u202f")
    verdict = (
        f"publication sûre : {auditees} valeurs cachées vérifiées par l'audit, aucune "
        "retrouvée ni encadrée sous le seuil"
        if pub.cibles_exposees == 0
        else f"{pub.cibles_exposees} valeur(s) cachée(s) exposée(s)"
    )
    feuilles = (
        "« Chiffres clés » (l'EPCI, dans et hors QPV, tous les indicateurs), une feuille par "
        "thème (" + ", ".join(f"« {t.feuille} »" for t, _ in themes) + ") où chaque zone de "
        "chaque maille a sa ligne sous celles de l'EPCI, « Graphiques », « Méthodologie »"
    )
    primaires = (
        f"aucun résultat sur moins de {pub.seuil} unités ; aucun résultat d'enquête pour une "
        f"zone dont le taux de réponse est inférieur à {pub.taux_reponse_minimal:.0%} ; aucun "
        "indicateur à 0 % ni à 100 %"
    )
    if bailleur == ENSEMBLE:
        regles = [
            (
                "Règles de secret appliquées",
                f"{primaires} ; aucune valeur masquée ne peut être retrouvée ni encadrée sous "
                f"{pub.seuil} par différence entre tableaux, zones ou bailleurs (masquage "
                "secondaire sur toute la publication, vérifié par un audit)",
            ),
            ("Audit du secret", verdict),
        ]
    else:
        nom = pub.bailleurs.get(bailleur, bailleur)
        regles = [
            (
                "Règles de secret appliquées",
                f"{primaires} (règles de la convention). Pas de masquage secondaire : ce "
                f"classeur ne contient que les chiffres de {nom}, qui les connaît déjà par ses "
                "propres données ; seuls les chiffres que la convention interdit de diffuser "
                "sont masqués.",
            ),
            (
                "Diffusion",
                f"document réservé à {nom}, à ne pas transmettre. Rapproché du classeur de la "
                "CIL, il permettrait de retrouver par différence des chiffres des autres "
                "bailleurs que la publication de la CIL masque.",
            ),
        ]
    lignes = [
        ("EPCI", f"{pub.libelle_epci} ({pub.code_epci})"),
        ("Millésime de l'enquête OPS", str(pub.millesime)),
        ("Date de référence", date_longue(pub.date_reference)),
        ("Bailleurs", couverts),
        (
            "Taux de réponse (ensemble de l'EPCI)" if bailleur == ENSEMBLE else "Taux de réponse",
            taux,
        ),
        ("Date de production", date_longue(dt.date.today())),
        ("Feuilles", feuilles),
        *regles,
        *marques(bailleur).items(),
    ]
    for k, (cle, valeur) in enumerate(lignes, start=3):
        ws.write_string(k, 0, cle, formats.gras)
        ws.merge_range(k, 1, k, 3, valeur, formats.texte)
        ws.set_row(k, _hauteur(valeur, 90))
    _parts_publiees(ws, formats, pub, bailleur, len(lignes) + 4)
    _mise_en_page(ws, pub, "Présentation")
    ws.fit_to_pages(1, 1)


def _part(publies: int, total: int) -> str:
    """`42 % (120 sur 286)`, or a dash when there is nothing to count."""
    if not total:
        return "–"
    return f"{publies / total:.0%} ({publies} sur {total})".replace("%", "\u202f%")


def _parts_publiees(ws, formats: _Formats, pub: Publication, bailleur: str, r: int) -> None:
    """Per maille, the share of this workbook's figures published; for the CIL, also the share
    of non-primary figures published (what secondary suppression costs), all landlords together
    and the landlords' rows (fct_secret_synthese)."""
    ws.write_string(r, 0, "Part des chiffres publiés", formats.sous_titre)
    entetes = ["Maille", "Chiffres publiés / chiffres de la maille"]
    if bailleur == ENSEMBLE:
        entetes += [
            "Chiffres non primaires publiés : ensemble des bailleurs",
            "Chiffres non primaires publiés : lignes de chaque bailleur",
        ]
    ws.write_row(r + 1, 0, entetes, formats.entete)
    ws.set_row(r + 1, 28)
    noms = {"epci": "EPCI", "epci_qpv": "EPCI dans et hors QPV", **MAILLES_LIGNES}
    k = r + 2
    for maille, nom in noms.items():
        statuts = pub.statuts(maille, bailleur)
        if not statuts:
            continue
        ws.write_string(k, 0, nom, formats.libelle)
        ws.write_string(k, 1, _part(statuts.count("publie"), len(statuts)), formats.libelle)
        cout = pub.couts.get(maille)
        if bailleur == ENSEMBLE and cout:
            ws.write_string(
                k, 2, _part(cout.publiees_ensemble, cout.non_primaires_ensemble), formats.libelle
            )
            ws.write_string(
                k, 3, _part(cout.publiees_bailleurs, cout.non_primaires_bailleurs), formats.libelle
            )
        k += 1
    if bailleur == ENSEMBLE:
        note = (
            "Chiffre non primaire : chiffre qu'aucune règle de la convention ne masque (au moins "
            f"{pub.seuil} unités, part ni à 0 % ni à 100 %, taux de réponse suffisant ; les "
            "logements et leur occupation, publics, ne sont pas comptés). Un chiffre non primaire "
            "masqué (s) l'est seulement pour qu'on ne puisse pas retrouver par différence un "
            "chiffre sensible (masquage secondaire) : 100 % veut dire qu'aucun chiffre n'a été "
            "masqué pour cette raison. Le tiret : pas de chiffre non primaire à cette maille."
        )
        ws.merge_range(k + 1, 0, k + 1, 3, note, formats.note_longue)
        ws.set_row(k + 1, _hauteur(note, 110))


def _colonnes_reference(pub: Publication, bailleur: str) -> list[tuple[str, str, str]]:
    """(maille, zone, heading) of the EPCI reference: whole, in QPV, out of QPV (when the
    release has those rows for this landlord)."""
    titres = {"": "Ensemble de l'EPCI", "-qpv": "En QPV", "-hors_qpv": "Hors QPV*"}
    colonnes = []
    for maille, suffixe in REFERENCE:
        zone = pub.code_epci + suffixe
        if zone in pub.codes_zones(maille, bailleur):
            colonnes.append((maille, zone, titres[suffixe]))
    return colonnes


def _chiffres_cles(wb, formats: _Formats, pub: Publication, bailleur: str, themes) -> None:
    ws = wb.add_worksheet("Chiffres clés")
    colonnes = _colonnes_reference(pub, bailleur)
    ws.write_string(0, 0, f"Chiffres clés – {pub.libelle_epci}", formats.titre)
    ws.write_string(1, 0, mention(pub), formats.sous_titre)
    ws.write_row(3, 0, ["Indicateur"] + [t for _, _, t in colonnes], formats.entete)
    ws.set_row(3, 28)
    r = 4
    for theme, indicateurs in themes:
        ws.merge_range(r, 0, r, len(colonnes), theme.titre, formats.theme)
        r += 1
        for i in indicateurs:
            ws.write_string(r, 0, i.libelle, formats.libelle)
            for k, (maille, zone, _) in enumerate(colonnes, start=1):
                _ecrire_valeur(
                    ws, r, k, formats, i, pub.cellules.get((maille, zone, bailleur, i.code))
                )
            r += 1
    if len(colonnes) > 1:
        ws.write_string(r + 1, 0, "* " + NOTE_HORS_QPV, formats.note)
    ws.set_column(0, 0, 58)
    ws.set_column(1, len(colonnes), 16)
    ws.freeze_panes(4, 1)
    ws.repeat_rows(3)
    _mise_en_page(ws, pub, "Chiffres clés")


def _zones(pub: Publication, bailleur: str, maille: str) -> list[str]:
    codes = pub.codes_zones(maille, bailleur)
    communes = _libelles_communes(pub)

    def cle(code):
        zone = pub.zones.get((maille, code))
        if zone is None:
            return ("", code, code)
        return (communes.get(zone.commune, zone.commune or ""), zone.libelle or code, code)

    return sorted(codes, key=cle)


def _libelles_communes(pub: Publication) -> dict[str, str]:
    return {z.code: z.libelle for (m, _), z in pub.zones.items() if m == "commune"}


def _lignes_du_theme(pub: Publication, maille, code, bailleur, indicateurs) -> list[tuple]:
    """The zone's rows of the theme's indicators (those of the release plan at its maille)."""
    lignes = (pub.cellules.get((maille, code, bailleur, i.code)) for i in indicateurs)
    return [x for x in lignes if x is not None]


def _feuille_theme(wb, formats, pub, bailleur, theme: Theme, indicateurs) -> None:
    ws = wb.add_worksheet(theme.feuille)
    decalage = len(COLONNES_ZONE)
    derniere_colonne = decalage + len(indicateurs) - 1
    ws.write_string(0, 0, theme.titre, formats.titre)
    ws.write_string(1, 0, f"{theme.introduction} {NOTE_PLAN}", formats.note)
    ws.write_row(2, 0, COLONNES_ZONE + [i.libelle for i in indicateurs], formats.entete)
    hauteur_entete = 15 * max(2, max(math.ceil(len(i.libelle) / 14) for i in indicateurs))
    ws.set_row(2, hauteur_entete)
    communes = _libelles_communes(pub)
    r = 3
    for maille, zone, titre in _colonnes_reference(pub, bailleur):
        libelle = pub.libelle_epci if maille == "epci" else f"EPCI – {titre.lower()}"
        ws.write_string(r, 0, "EPCI", formats.ref_libelle)
        ws.write_string(r, 1, libelle, formats.ref_libelle)
        ws.write_string(r, 2, "", formats.ref_libelle)
        ws.write_string(r, 3, zone, formats.ref_code)
        for k, i in enumerate(indicateurs, start=decalage):
            cellule = pub.cellules.get((maille, zone, bailleur, i.code))
            _ecrire_valeur(ws, r, k, formats, i, cellule, reference=True)
        r += 1
    fin_reference = r - 1
    sauts = []
    omises = 0
    for maille, nom in MAILLES_LIGNES.items():
        zones = _zones(pub, bailleur, maille)
        # a zone with no row for any of the theme's indicators: the release plan does not
        # publish this theme at this maille
        zones = [c for c in zones if _lignes_du_theme(pub, maille, c, bailleur, indicateurs)]
        if maille in MAILLES_SANS_LIGNES_VIDES:
            listees = [
                c
                for c in zones
                if any(
                    x[0] == "publie"
                    for x in _lignes_du_theme(pub, maille, c, bailleur, indicateurs)
                )
            ]
            omises += len(zones) - len(listees)
            zones = listees
        if not zones:
            continue
        sauts.append(r)
        for code in zones:
            zone = pub.zones.get((maille, code))
            commune = zone.commune if zone and maille != "commune" else None
            ws.write_string(r, 0, nom, formats.libelle)
            ws.write_string(r, 1, (zone.libelle if zone else None) or code, formats.libelle)
            ws.write_string(r, 2, communes.get(commune, commune or ""), formats.libelle)
            ws.write_string(r, 3, code, formats.code)
            for k, i in enumerate(indicateurs, start=decalage):
                cellule = pub.cellules.get((maille, code, bailleur, i.code))
                _ecrire_valeur(ws, r, k, formats, i, cellule)
            r += 1
    notes = []
    if fin_reference > 3:
        notes.append("Hors QPV (ligne de l'EPCI) : " + NOTE_HORS_QPV)
    if omises:
        notes.append(
            f"{omises} résidence(s) dont aucun chiffre de ce thème n'est publié (toutes ses "
            "valeurs s, nd ou nc) ne sont pas listées ; elles figurent dans les autres feuilles "
            "quand un de leurs chiffres y est publié."
        )
    for k, note in enumerate(notes, start=r + 1):
        ws.write_string(k, 0, note, formats.note)
    largeurs = [max(len(n) for n in MAILLES_LIGNES.values()) + 1, 30, 18, 17]
    largeurs += [12] * len(indicateurs)
    for k, largeur in enumerate(largeurs):
        ws.set_column(k, k, largeur)
    ws.freeze_panes(fin_reference + 1, 2)
    ws.autofilter(2, 0, max(r - 1, 3), derniere_colonne)
    ws.repeat_rows(2, fin_reference)
    # a maille's block starts a page when it would not end on the current one
    repetees = hauteur_entete + LIGNE * (fin_reference - 2)
    ws.set_h_pagebreaks(_sauts(sauts, r, largeurs, repetees))
    _mise_en_page(ws, pub, theme.titre)


def _sauts(debuts: list[int], fin: int, largeurs: list[float], repetees: float) -> list[int]:
    """Page breaks of a theme sheet: before a maille's block (rows `debuts[k]` to the next
    start, the last one ending at `fin`) that would not end on the current printed page; small
    blocks share a page, a long one runs over as many pages as it needs. The page holds what
    an A4 landscape page fitted to the sheet's width holds (`repetees`: points of the rows
    printed on every page)."""
    pixels = sum(w * PIXELS_PAR_CARACTERE + 5 for w in largeurs)
    echelle = min(1.0, PAGE_LARGEUR / (pixels * 0.75))
    capacite = (PAGE_HAUTEUR / echelle - repetees) * MARGE_SECURITE
    sauts, occupe = [], 2 * LIGNE  # the sheet's title and note on the first page
    for debut, suivant in zip(debuts, [*debuts[1:], fin], strict=True):
        hauteur = LIGNE * (suivant - debut)
        if occupe and occupe + hauteur > capacite:
            sauts.append(debut)
            occupe = 0
        occupe += hauteur
        if occupe > capacite:  # a long block: what its last page holds
            occupe %= capacite
    return sauts


def _axe_max(valeurs: list[float]) -> float:
    """The end of an axis starting at 0: a round number just above the largest value."""
    haut = max(valeurs) * 1.1
    pas = 10 ** math.floor(math.log10(haut)) if haut > 0 else 1
    for multiple in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if haut <= multiple * pas:
            return multiple * pas
    return 10 * pas


def _graphiques(wb, formats: _Formats, pub: Publication, bailleur: str, themes) -> None:
    """One bar chart per theme: its key indicator for the EPCI and each commune."""
    ws = wb.add_worksheet("Graphiques")
    donnees = wb.add_worksheet(FEUILLE_DONNEES)
    ws.write_string(0, 0, "Graphiques", formats.titre)
    ws.write_string(
        1,
        0,
        "Une barre par commune, l'EPCI en premier. Une valeur masquée n'a pas de barre : son "
        "nom porte la marque, par exemple « Carvin (s) ».",
        formats.note,
    )
    donnees.write_string(0, 0, "Zone", formats.entete)
    donnees.set_column(0, 0, 34)
    zones = [("epci", pub.code_epci)] + [("commune", c) for c in _zones(pub, bailleur, "commune")]
    par_code = {i.code: i for _, ind in themes for i in ind}
    ligne_graphique = 3
    colonne = 1
    sauts = []
    for theme, _ in themes:
        code = next((c for c in theme.cles if c in par_code), None)
        if code is None:
            continue
        indicateur = par_code[code]
        donnees.write_string(0, colonne, indicateur.libelle, formats.entete)
        valeurs = []
        for r, (maille, zone) in enumerate(zones, start=1):
            cellule = pub.cellules.get((maille, zone, bailleur, code))
            valeur = valeur_affichee(indicateur, cellule)
            libelle = pub.zones[(maille, zone)].libelle if (maille, zone) in pub.zones else zone
            marque = f" ({valeur})" if isinstance(valeur, str) else ""
            donnees.write_string(r, 0, libelle, formats.libelle)
            donnees.write_string(r, colonne, f"{libelle}{marque}", formats.libelle)
            if isinstance(valeur, (int, float)):
                donnees.write_number(
                    r, colonne + 1, valeur, formats.nombres[TYPES_FORMATS[indicateur.type]]
                )
                valeurs.append(valeur)
        donnees.write_string(0, colonne + 1, "valeur", formats.entete)
        ws.write_string(
            ligne_graphique - 1, 0, f"{theme.titre} : {indicateur.libelle}", formats.sous_titre
        )
        if not valeurs:
            ws.write_string(
                ligne_graphique, 0, "Aucune valeur publiée : pas de graphique.", formats.note
            )
            ligne_graphique += 4
        else:
            graphique = wb.add_chart({"type": "bar"})
            graphique.add_series(
                {
                    "name": indicateur.libelle,
                    "categories": [FEUILLE_DONNEES, 1, colonne, len(zones), colonne],
                    "values": [FEUILLE_DONNEES, 1, colonne + 1, len(zones), colonne + 1],
                    "fill": {"color": "#4472C4"},
                    "points": [{"fill": {"color": "#1F3864"}}],  # the EPCI, darker
                    "data_labels": {"value": True, "num_format": _format_graphique(indicateur)},
                    "gap": 60,
                }
            )
            graphique.set_title({"none": True})
            graphique.set_legend({"none": True})
            graphique.set_x_axis(
                {
                    "min": min(0, min(valeurs)),
                    "max": _axe_max(valeurs),
                    "num_format": _format_graphique(indicateur),
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                }
            )
            graphique.set_y_axis({"reverse": True})
            graphique.show_blanks_as("gap")
            hauteur = 22 * len(zones) + 60
            graphique.set_size({"width": 820, "height": hauteur})
            ws.insert_chart(ligne_graphique, 0, graphique)
            ligne_graphique += math.ceil(hauteur / 20) + 3
        sauts.append(ligne_graphique - 1)
        colonne += 2
    ws.set_column(0, 0, 120)
    ws.set_h_pagebreaks(sauts[:-1])  # never a chart across two pages
    _mise_en_page(ws, pub, "Graphiques")
    donnees.set_column(1, colonne, 22)
    _mise_en_page(donnees, pub, FEUILLE_DONNEES)


def _taille_png(chemin: Path) -> tuple[int, int]:
    with open(chemin, "rb") as f:
        entete = f.read(24)
    return struct.unpack(">II", entete[16:24])


def _cartes(wb, formats: _Formats, pub: Publication, cartes: Sequence) -> None:
    """One map per printed page, scaled to the page, its title above it."""
    ws = wb.add_worksheet("Cartes")
    ws.hide_gridlines(2)
    ws.write_string(0, 0, "Cartes", formats.titre)
    ws.write_string(
        1,
        0,
        "Chiffres publiés seulement : une zone hachurée en gris est couverte par le secret "
        "statistique (s) ou non diffusée (nd), jamais comptée comme zéro.",
        formats.note,
    )
    ligne = 3
    sauts = []
    for carte in cartes:
        largeur, hauteur = _taille_png(Path(carte.chemin))
        echelle = min(1.0, 1000 / largeur, 620 / hauteur)
        ws.write_string(ligne, 0, carte.titre, formats.sous_titre)
        ws.insert_image(
            ligne + 1,
            0,
            str(carte.chemin),
            {"x_scale": echelle, "y_scale": echelle, "object_position": 3},
        )
        ligne += 2 + math.ceil(hauteur * echelle / 20)
        sauts.append(ligne)
        ligne += 1
    ws.set_column(0, 0, 140)
    ws.set_h_pagebreaks(sauts[:-1])  # one map per page
    _mise_en_page(ws, pub, "Cartes")


def _format_graphique(indicateur: Indicateur) -> str:
    return {
        "part": "0.0%",
        "taux": "0.0%",
        "effectif": "# ##0",
        "ecart": "+0.0",
        "moyenne": "0.00",
    }[indicateur.type]


def _regles_secret(pub: Publication, bailleur: str) -> str:
    primaires = (
        f"seuil de {pub.seuil} unités (ménages, logements ou personnes selon l'indicateur) ; "
        f"une zone de moins de {pub.seuil} logements est entièrement masquée ; une part dont "
        "le complément est inférieur au seuil est masquée"
    )
    if bailleur != ENSEMBLE:
        return (
            f"{primaires}. Ce sont les seules règles appliquées à une restitution : ses chiffres "
            "sont ceux du bailleur, qui les connaît déjà ; aucun autre chiffre n'est masqué pour "
            "en protéger un autre (pas de masquage secondaire)."
        )
    return (
        f"{primaires} ; une cellule où tous les bailleurs sauf un ont moins d'unités que le "
        "seuil est masquée (bailleur dominant) ; puis les cellules nécessaires pour qu'aucune "
        "valeur masquée ne puisse être retrouvée ou encadrée sous le seuil par différence "
        "(masquage secondaire), vérifié par un audit de toute la publication."
    )


def _methodologie(wb, formats: _Formats, pub: Publication, bailleur: str, themes) -> None:
    ws = wb.add_worksheet("Méthodologie")
    ws.write_string(0, 0, "Méthodologie et définitions", formats.titre)
    ws.write_string(1, 0, mention(pub), formats.sous_titre)
    entetes = ["Thème", "Indicateur", "Définition", "Compté en", "Nom dans les fichiers ouverts"]
    ws.write_row(3, 0, entetes, formats.entete)
    r = 4
    for theme, indicateurs in themes:
        for i in indicateurs:
            definition = definition_lecteur(i)
            unite = UNITES.get(i.unite, i.unite)
            for k, valeur in enumerate([theme.titre, i.libelle, definition, unite, i.code]):
                ws.write_string(r, k, valeur or "", formats.texte)
            ws.set_row(r, max(_hauteur(definition, 80), _hauteur(i.libelle, 42)))
            r += 1
    r += 1
    notes = [
        (
            "Parts et taux",
            "proportions affichées en pourcentage à une décimale ; effectifs en nombre "
            "d'unités ; écarts en points de pourcentage.",
        ),
        (
            "Zones",
            "l'EPCI, sa partie en QPV et le reste (hors QPV, avec les quelques logements que le "
            "RPLS ne permet pas de situer), les communes, chaque commune dans et hors QPV, les "
            "QPV, les IRIS, les quartiers (regroupements d'IRIS) et les résidences.",
        ),
        ("Secret statistique", _regles_secret(pub, bailleur)),
        (
            "Taux de réponse",
            "les résultats d'enquête d'une zone dont le taux de réponse est "
            f"inférieur à {pub.taux_reponse_minimal:.0%} ne sont pas diffusés (nd).",
        ),
        *marques(bailleur).items(),
    ]
    for k, (cle, texte) in enumerate(notes):
        ws.write_string(r + k, 0, cle, formats.gras)
        ws.merge_range(r + k, 1, r + k, 4, texte, formats.texte)
        ws.set_row(r + k, _hauteur(texte, 130))
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 42)
    ws.set_column(2, 2, 80)
    ws.set_column(3, 3, 12)
    ws.set_column(4, 4, 26)
    ws.freeze_panes(4, 0)
    ws.repeat_rows(3)
    _mise_en_page(ws, pub, "Méthodologie")
