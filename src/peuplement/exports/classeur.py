"""The workbooks: the CIL's (all landlords together) and each landlord's restitution, same
layout. A cover sheet, one sheet per maille in wide format (one row per zone, one column per
indicator), a methodology sheet, and charts where a reader would rather look than read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from .donnees import MAILLES, Indicateur, Publication

ENSEMBLE = "ensemble"
PAR_PAGE = 11  # indicator columns per printed page (landscape A4), beside the zone columns
MARQUES = {
    "s": "secret statistique : valeur masquée (moins de 11 unités, part à 0 % ou 100 %, ou "
    "valeur qui permettrait d'en retrouver une autre par différence)",
    "nd": "non diffusé : taux de réponse à l'enquête de la zone inférieur au minimum",
}
MOIS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)


def _date_longue(d: dt.date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MOIS[d.month - 1]} {d.year}"


def mention(pub: Publication) -> str:
    """The mandatory mention of the convention, with the study's reference date."""
    return f"Données d'occupation du parc social au {_date_longue(pub.date_reference)}"


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}

        def f(**k):
            return wb.add_format({**base, **k})

        self.titre = f(bold=True, font_size=14, font_color="#1F3864")
        self.sous_titre = f(bold=True, font_size=11, font_color="#1F3864")
        self.texte = f(text_wrap=True, valign="top")
        self.gras = f(bold=True, valign="top")
        self.entete = f(bold=True, text_wrap=True, bg_color="#D9E1F2", border=1, align="center")
        self.code = f(num_format="@", border=1)
        self.libelle = f(border=1)
        self.entier = f(num_format="# ##0", border=1)
        self.pourcentage = f(num_format="0.0%", border=1)
        self.decimal = f(num_format="0.00", border=1)
        self.points = f(num_format='+0.0" pts";-0.0" pts";0.0" pts"', border=1)
        self.marque = f(
            align="center", italic=True, font_color="#595959", bg_color="#F2F2F2", border=1
        )


def _format_valeur(formats: _Formats, indicateur: Indicateur):
    return {
        "effectif": formats.entier,
        "part": formats.pourcentage,
        "taux": formats.pourcentage,
        "moyenne": formats.decimal,
        "ecart": formats.points,
    }[indicateur.type]


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


def ecrire_classeur(chemin: Path, pub: Publication, bailleur: str = ENSEMBLE) -> None:
    """The CIL workbook (`bailleur` = ensemble) or one landlord's restitution."""
    wb = xlsxwriter.Workbook(
        str(chemin),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    wb.set_properties(
        {
            "title": _titre(pub, bailleur),
            "author": "peuplement",
            "comments": mention(pub),
        }
    )
    formats = _Formats(wb)
    _couverture(wb, formats, pub, bailleur)
    for maille, nom, titre in MAILLES:
        zones = sorted(
            {z for (m, z, b, _) in pub.cellules if m == maille and b == bailleur},
            key=lambda z: (_tri_zone(pub, maille, z), z),
        )
        if zones:
            _feuille_maille(wb, formats, pub, bailleur, maille, nom, titre, zones)
    _methodologie(wb, formats, pub)
    wb.close()


def _titre(pub: Publication, bailleur: str) -> str:
    if bailleur == ENSEMBLE:
        return f"Étude de peuplement – {pub.libelle_epci} – Conférence intercommunale du logement"
    return f"Étude de peuplement – {pub.libelle_epci} – restitution à {pub.bailleurs.get(bailleur, bailleur)}"


def _tri_zone(pub: Publication, maille: str, code: str) -> str:
    zone = pub.zones.get((maille, code))
    return (zone.commune or "") if zone else ""


def _couverture(wb, formats: _Formats, pub: Publication, bailleur: str) -> None:
    ws = wb.add_worksheet("Présentation")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, _titre(pub, bailleur), formats.titre)
    ws.write_string(1, 0, mention(pub), formats.sous_titre)
    reponse = pub.cellules.get(("epci", pub.code_epci, bailleur, "taux_reponse"))
    if reponse and reponse[0] == "publie":
        taux = f"{reponse[3]:.1%}".replace(".", ",")
    elif reponse and reponse[0] == "s":
        taux = "s (secret statistique)"
    else:
        taux = "nd (non diffusé)"
    couverts = (
        ", ".join(f"{nom} ({code})" for code, nom in pub.bailleurs.items())
        if bailleur == ENSEMBLE
        else f"{pub.bailleurs.get(bailleur, bailleur)} ({bailleur}) : ses propres logements"
    )
    auditees = f"{pub.cibles_auditees:,}".replace(",", "\u202f")
    verdict = (
        f"publication sûre : {auditees} cibles vérifiées par l'audit, aucune retrouvée ni "
        "encadrée sous le seuil"
        if pub.cibles_exposees == 0
        else f"{pub.cibles_exposees} cible(s) exposée(s)"
    )
    lignes = [
        ("EPCI", f"{pub.libelle_epci} ({pub.code_epci})"),
        ("Millésime de l'enquête OPS", str(pub.millesime)),
        ("Date de référence", _date_longue(pub.date_reference)),
        ("Bailleurs", couverts),
        ("Taux de réponse (ensemble de l'EPCI)", taux),
        ("Date de production", _date_longue(dt.date.today())),
        (
            "Règles de secret appliquées",
            f"aucun résultat sur moins de {pub.seuil} unités ; aucun résultat d'enquête pour une "
            f"zone dont le taux de réponse est inférieur à {pub.taux_reponse_minimal:.0%} ; aucun "
            "indicateur à 0 % ni à 100 % ; aucune valeur masquée ne peut être retrouvée ni "
            f"encadrée sous {pub.seuil} par différence entre tableaux, zones ou bailleurs "
            "(masquage secondaire sur toute la publication, vérifié par un audit)",
        ),
        ("Audit du secret", verdict),
        ("s", MARQUES["s"]),
        ("nd", MARQUES["nd"]),
        (
            "Feuilles",
            "une par maille (EPCI, communes, dans et hors QPV, QPV, IRIS, quartiers, "
            "résidences), puis la méthodologie",
        ),
    ]
    for k, (cle, valeur) in enumerate(lignes, start=3):
        ws.write_string(k, 0, cle, formats.gras)
        ws.write_string(k, 1, valeur, formats.texte)
        ws.set_row(k, 15 * max(1, len(valeur) // 85 + 1))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)


def _feuille_maille(wb, formats, pub, bailleur, maille, nom, titre, zones) -> None:
    ws = wb.add_worksheet(nom)
    avec_commune = maille not in ("epci", "commune")
    colonnes_zone = ["Code", "Libellé"] + (["Commune"] if avec_commune else [])
    indicateurs = pub.indicateurs
    ws.write_row(0, 0, colonnes_zone + [i.libelle for i in indicateurs], formats.entete)
    ws.set_row(0, 54)
    libelles_communes = {z.code: z.libelle for (m, _), z in pub.zones.items() if m == "commune"}
    for r, code in enumerate(zones, start=1):
        zone = pub.zones.get((maille, code))
        ws.write_string(r, 0, code, formats.code)
        ws.write_string(r, 1, zone.libelle if zone and zone.libelle else code, formats.libelle)
        if avec_commune:
            commune = zone.commune if zone else None
            ws.write_string(r, 2, libelles_communes.get(commune, commune or ""), formats.libelle)
        for k, indicateur in enumerate(indicateurs, start=len(colonnes_zone)):
            valeur = valeur_affichee(
                indicateur, pub.cellules.get((maille, code, bailleur, indicateur.code))
            )
            if valeur is None:
                continue
            if isinstance(valeur, str):
                ws.write_string(r, k, valeur, formats.marque)
            else:
                ws.write_number(r, k, valeur, _format_valeur(formats, indicateur))
    ws.set_column(0, 0, 12, formats.code)
    ws.set_column(1, 1, 30)
    if avec_commune:
        ws.set_column(2, 2, 18)
    ws.set_column(len(colonnes_zone), len(colonnes_zone) + len(indicateurs) - 1, 11)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(zones), len(colonnes_zone) + len(indicateurs) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)
    ws.repeat_columns(0, 1)
    ws.fit_to_pages(-(-len(indicateurs) // PAR_PAGE), 0)  # about PAR_PAGE indicators per page
    ws.set_header(f'&L&"Arial,Bold"{titre}&R{mention(pub)}')
    ws.set_footer(f"&L{pub.libelle_epci} – {pub.millesime}&RPage &P / &N")
    _graphiques(wb, ws, pub, maille, nom, zones, len(colonnes_zone))


def _graphiques(wb, ws, pub, maille, nom, zones, decalage) -> None:
    """Income distribution by commune, and the poorest households in vs out QPV."""
    colonne = {i.code: decalage + k for k, i in enumerate(pub.indicateurs)}
    derniere = len(zones)
    if maille == "commune":
        bandes = [i for i in pub.indicateurs if i.partition == "revenu_plafond"]
        if not bandes:
            return
        # side by side, not stacked: a band hidden by secrecy leaves a gap, never a false 100 %
        graphique = wb.add_chart({"type": "bar"})
        for i in bandes:
            graphique.add_series(
                {
                    "name": [nom, 0, colonne[i.code]],
                    "categories": [nom, 1, 1, derniere, 1],
                    "values": [nom, 1, colonne[i.code], derniere, colonne[i.code]],
                }
            )
        graphique.set_title({"name": "Ressources des ménages par rapport aux plafonds PLUS"})
        graphique.set_x_axis({"num_format": "0%"})
        graphique.set_y_axis({"reverse": True})
        graphique.set_legend({"position": "bottom"})
        graphique.show_blanks_as("gap")
        graphique.set_size({"width": 760, "height": 24 * derniere + 140})
        ws.insert_chart(derniere + 3, 1, graphique)
    elif maille == "commune_qpv":
        codes = [
            c for c in ("part_revenu_moins_20", "part_apl", "part_monoparentales") if c in colonne
        ]
        if not codes:
            return
        graphique = wb.add_chart({"type": "bar"})
        for code in codes:
            graphique.add_series(
                {
                    "name": [nom, 0, colonne[code]],
                    "categories": [nom, 1, 1, derniere, 1],
                    "values": [nom, 1, colonne[code], derniere, colonne[code]],
                }
            )
        graphique.set_title({"name": "Dans et hors QPV : fragilités des ménages"})
        graphique.set_x_axis({"num_format": "0%"})
        graphique.set_y_axis({"reverse": True})
        graphique.set_legend({"position": "bottom"})
        graphique.show_blanks_as("gap")
        graphique.set_size({"width": 760, "height": 22 * derniere + 160})
        ws.insert_chart(derniere + 3, 1, graphique)


def _methodologie(wb, formats: _Formats, pub: Publication) -> None:
    ws = wb.add_worksheet("Méthodologie")
    ws.write_string(0, 0, "Méthodologie et définitions", formats.titre)
    ws.write_string(1, 0, mention(pub), formats.sous_titre)
    entetes = ["Code", "Indicateur", "Famille", "Unité", "Type", "Définition"]
    ws.write_row(3, 0, entetes, formats.entete)
    for r, i in enumerate(pub.indicateurs, start=4):
        for k, valeur in enumerate([i.code, i.libelle, i.famille, i.unite, i.type, i.definition]):
            ws.write_string(r, k, valeur or "", formats.texte)
    r = len(pub.indicateurs) + 6
    notes = [
        (
            "Parts et taux",
            "proportions affichées en pourcentage à une décimale ; effectifs en "
            "nombre d'unités ; écarts en points de pourcentage.",
        ),
        (
            "Secret statistique",
            f"seuil de {pub.seuil} unités (ménages, logements ou personnes selon "
            "l'indicateur) ; une zone de moins de 11 logements est entièrement masquée ; une part "
            "dont le complément est inférieur au seuil est masquée ; une cellule où tous les bailleurs "
            "sauf un ont de 1 à 10 unités est masquée (bailleur dominant) ; puis les cellules "
            "nécessaires pour qu'aucune valeur masquée ne puisse être retrouvée ou encadrée sous le "
            "seuil par différence (masquage secondaire), vérifié par un audit de toute la publication.",
        ),
        (
            "Taux de réponse",
            f"les résultats d'enquête d'une zone dont le taux de réponse est "
            f"inférieur à {pub.taux_reponse_minimal:.0%} ne sont pas diffusés (nd).",
        ),
        ("s", MARQUES["s"]),
        ("nd", MARQUES["nd"]),
    ]
    for k, (cle, texte) in enumerate(notes):
        ws.write_string(r + k, 0, cle, formats.gras)
        ws.merge_range(r + k, 1, r + k, 5, texte, formats.texte)
        ws.set_row(r + k, 15 * (len(texte) // 110 + 1))
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 42)
    ws.set_column(2, 4, 12)
    ws.set_column(5, 5, 80)
    ws.freeze_panes(4, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
