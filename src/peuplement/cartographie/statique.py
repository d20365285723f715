"""Static choropleth maps (PNG and SVG, matplotlib): one per key indicator and maille, with
classes and their legend, hidden zones hatched grey and labelled as secret, `nd` zones
dotted, `nc` zones (variable not supplied) striped, the commune outlines, a scale, the mandatory mention and the sources.

    from peuplement.cartographie import charger_fonds, dessiner_cartes, zones_etude
    fonds = charger_fonds(etude / "referentiels", zones_etude(pub))
    cartes = dessiner_cartes(pub, fonds, dossier)  # [Carte(maille, indicateur, titre, chemin…)]
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, and the same output everywhere

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch, PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as Trace  # noqa: E402
from matplotlib.patheffects import withStroke  # noqa: E402
from matplotlib.textpath import text_to_path  # noqa: E402

from ..exports.donnees import NON_COMMUNIQUE, Indicateur, Publication  # noqa: E402
from ..parallele import executer, nombre_processus  # noqa: E402
from .classes import (  # noqa: E402
    CARTES_CLES,
    COULEUR_NC,
    COULEUR_ND,
    COULEUR_SANS,
    COULEUR_SECRET,
    ENSEMBLE,
    LEGENDE_MARQUES,
    MAILLES_CARTES,
    MARQUES_CARTES,
    classer,
    valeurs,
)
from .fonds import Fonds  # noqa: E402
from .textes import mention, sources, titre_carte  # noqa: E402

FORMATS = ("png", "svg")
TAILLE = (6.7, 5.2)  # inches: 17 × 13 cm, the width of a portrait A4 page's text
CADRE = (0.01, 0.1, 0.64, 0.76)  # the map's axes in the figure (left, bottom, width, height)
TAILLE_NOMS = 5  # points: the communes' names
RESOLUTION = 150  # 1,000 pixels across: sharp in a workbook or a printed page
HACHURES = {"s": "////", "nd": "....", NON_COMMUNIQUE: "----"}
LEGENDE_MARQUES_RESTITUTION = {
    NON_COMMUNIQUE: "nc : non communiqué (variable que vous n'avez pas transmise)",
    "absent": "pas de donnée (aucun de vos logements dans la zone)",
}
matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "svg.fonttype": "none",  # text stays text in the SVG (searchable, lighter)
        "svg.hashsalt": "peuplement",  # stable ids: the same map gives the same file
        "hatch.linewidth": 0.6,
    }
)


@dataclass
class Carte:
    maille: str
    indicateur: str
    titre: str
    chemin: Path  # the first format asked (PNG by default)
    chemins: dict[str, Path] = field(default_factory=dict)  # format -> file
    bailleur: str = ENSEMBLE  # whose figures: the CIL release's, or a landlord's restitution


@dataclass
class Lot:
    """The maps of one workbook: whose figures (`pub`, `bailleur`: a landlord's own, from its
    restitution), which indicators and mailles, in which formats, into which folder. A map
    where secrecy leaves no published value is not drawn unless `vides`."""

    pub: Publication
    dossier: Path
    indicateurs: tuple[str, ...] = CARTES_CLES
    mailles: tuple[str, ...] | None = None
    formats: tuple[str, ...] = FORMATS
    vides: bool = False
    bailleur: str = ENSEMBLE


def _a_dessiner(lot: Lot, fonds: Fonds) -> list[tuple[str, str]]:
    """(maille, indicator) of each map of the lot, in order: mailles with contours, indicators
    of the catalogue, maps with a published value (unless `vides`)."""
    catalogue = {i.code for i in lot.pub.indicateurs}
    resultat = []
    for maille, _ in MAILLES_CARTES:
        if (lot.mailles is not None and maille not in lot.mailles) or not fonds.contours.get(
            maille
        ):
            continue
        for code in lot.indicateurs:
            if code not in catalogue:
                continue
            lues = valeurs(lot.pub, maille, code, fonds.contours[maille], lot.bailleur)
            if lot.vides or any(isinstance(v, float) for v in lues.values()):
                resultat.append((maille, code))
    return resultat


def _dessiner(lots: list[Lot], fonds: Fonds, commandes: list[tuple[int, str, str]]):
    """Draw and save the maps (lot index, maille, indicator): one task of the pool."""
    cartes = []
    for i, maille, code in commandes:
        lot = lots[i]
        indicateur = next(x for x in lot.pub.indicateurs if x.code == code)
        figure = dessiner(lot.pub, fonds, maille, indicateur, lot.bailleur)
        chemins = {}
        for format_ in lot.formats:
            chemin = Path(lot.dossier) / f"carte_{maille}_{code}.{format_}"
            figure.savefig(chemin, dpi=RESOLUTION, metadata=_metadonnees(format_))
            chemins[format_] = chemin
        plt.close(figure)
        cartes.append(
            Carte(
                maille,
                code,
                titre_carte(indicateur, maille),
                chemins[lot.formats[0]],
                chemins,
                lot.bailleur,
            )
        )
    return cartes


def dessiner_lots(fonds: Fonds, lots: list[Lot], processus: int | None = None) -> list[list[Carte]]:
    """The maps of every lot (`carte_<maille>_<indicateur>.<format>` in its folder), what was
    drawn lot by lot, maille by maille. Each map is independent: they are shared out among a
    pool of processes (`peuplement.parallele`: `PEUPLEMENT_SECRET_PROCESSUS`, by default the
    machine's cores), every map drawn exactly as alone (the same bytes whatever the number of
    processes)."""
    commandes = [(i, m, c) for i, lot in enumerate(lots) for m, c in _a_dessiner(lot, fonds)]
    for lot in lots:
        Path(lot.dossier).mkdir(parents=True, exist_ok=True)
    n = max(1, min(nombre_processus(processus), len(commandes)))
    groupes = [commandes[k::n] for k in range(n)]
    faites = {}
    taches = [(lots, fonds, groupe) for groupe in groupes]
    for groupe, cartes in zip(
        groupes, executer(_dessiner, taches, [len(g) for g in groupes], processus), strict=True
    ):
        faites.update(zip(groupe, cartes, strict=True))
    return [[faites[c] for c in commandes if c[0] == i] for i in range(len(lots))]


def dessiner_cartes(
    pub: Publication,
    fonds: Fonds,
    dossier: Path,
    indicateurs: tuple[str, ...] = CARTES_CLES,
    mailles: tuple[str, ...] | None = None,
    formats: tuple[str, ...] = FORMATS,
    vides: bool = False,
    bailleur: str = ENSEMBLE,
) -> list[Carte]:
    """Draw each (maille, indicator) that has contours into `dossier`
    (`carte_<maille>_<indicateur>.<format>`); returns what was drawn, maille by maille (one
    `Lot`, see `dessiner_lots`)."""
    lot = Lot(pub, Path(dossier), indicateurs, mailles, formats, vides, bailleur)
    return dessiner_lots(fonds, [lot])[0]


def _metadonnees(format_: str) -> dict:
    """No date in the file (the same map gives the same bytes)."""
    if format_ == "svg":
        return {"Date": None, "Creator": "peuplement"}
    if format_ == "pdf":
        return {"CreationDate": None, "Creator": "peuplement"}
    return {"Software": "peuplement"}


def _trace(polygones: list) -> Trace:
    sommets, codes = [], []
    for polygone in polygones:
        for anneau in polygone:
            sommets.extend(anneau)
            codes.extend([Trace.MOVETO] + [Trace.LINETO] * (len(anneau) - 2) + [Trace.CLOSEPOLY])
    return Trace(sommets, codes)


def dessiner(
    pub: Publication, fonds: Fonds, maille: str, indicateur: Indicateur, bailleur: str = ENSEMBLE
):
    """One map as a matplotlib figure (the caller saves and closes it)."""
    contours = fonds.contours[maille]
    lues = valeurs(pub, maille, indicateur.code, contours, bailleur)
    publiees = [v for v in lues.values() if isinstance(v, float)]
    classes = classer(indicateur, publiees)
    figure = plt.figure(figsize=TAILLE)
    carte = figure.add_axes(CADRE)
    carte.set_axis_off()
    carte.set_aspect("equal")
    communes = fonds.contours.get("commune", {})
    if maille != "commune":  # the communes as a background and as landmarks
        for contour in communes.values():
            _poser(
                carte,
                PathPatch(_trace(contour.plan), facecolor="#fafafa", edgecolor="none", zorder=1),
            )
    for code, contour in sorted(contours.items()):
        valeur = lues[code]
        _poser(
            carte,
            PathPatch(
                _trace(contour.plan),
                facecolor=classes.couleur(valeur),
                edgecolor="#ffffff" if maille == "iris" else "#6e6e6e",
                linewidth=0.3 if maille == "iris" else 0.5,
                hatch=HACHURES.get(valeur) if isinstance(valeur, str) else None,
                hatchcolor="#7a7a7a",
                zorder=2,
                gid=f"zone-{code}",  # the SVG names each zone (tests read its colour back)
            ),
        )
    for contour in communes.values():
        _poser(
            carte,
            PathPatch(
                _trace(contour.plan), facecolor="none", edgecolor="#404040", linewidth=0.7, zorder=3
            ),
        )
    etendue = [c.enveloppe for c in (communes or contours).values()]
    xmin, ymin = min(e[0] for e in etendue), min(e[1] for e in etendue)
    xmax, ymax = max(e[2] for e in etendue), max(e[3] for e in etendue)
    marge = 0.03 * max(xmax - xmin, ymax - ymin)
    carte.set_xlim(xmin - marge, xmax + marge)
    carte.set_ylim(ymin - 3 * marge, ymax + marge)  # room for the scale below the territory
    if maille == "commune":
        # data units per point: the axes keep their aspect, the tighter dimension sets it
        echelle = max(
            (xmax - xmin + 2 * marge) / (CADRE[2] * TAILLE[0] * 72),
            (ymax - ymin + 4 * marge) / (CADRE[3] * TAILLE[1] * 72),
        )
        noms = {}
        for code in communes:
            zone = pub.zones.get(("commune", code))
            noms[code] = zone.libelle if zone else code
        for code, place in sorted(_lisibles(communes, noms, echelle).items()):
            carte.annotate(
                noms[code],
                place,
                ha="center",
                va="center",
                fontsize=TAILLE_NOMS,
                color="#202020",
                zorder=4,
                path_effects=[withStroke(linewidth=1.5, foreground="#ffffff")],
            )
    _echelle(carte, xmax, ymin - 2.5 * marge, xmax - xmin)
    figure.text(0.02, 0.955, indicateur.libelle, fontsize=11, fontweight="bold", color="#1F3864")
    figure.text(
        0.02,
        0.91,
        f"{titre_carte(indicateur, maille, court=True)} — {pub.libelle_epci}",
        fontsize=7.5,
        color="#404040",
    )
    if bailleur != ENSEMBLE:
        figure.text(
            0.02,
            0.875,
            f"Restitution à {pub.bailleurs.get(bailleur, bailleur)} : ses logements seulement",
            fontsize=7.5,
            fontweight="bold",
            color="#404040",
        )
    _legende(figure, indicateur, classes, lues, bailleur)
    figure.text(0.02, 0.05, mention(pub), fontsize=6.5, fontweight="bold", color="#202020")
    figure.text(
        0.02,
        0.018,
        _replier(sources(pub, fonds), 5, TAILLE[0] * 72 * (1 - 0.02)),
        fontsize=5,
        color="#505050",
    )
    return figure


def _poser(carte, zone: PathPatch) -> None:
    """A zone on the map. Not `add_patch`: the map's limits are set from the territory's
    envelope, so the axes need not grow their data limits over every Bézier segment of every
    contour (a fifth of the drawing time on a study's maps)."""
    carte.add_artist(zone)


def _largeur(texte: str, taille: float) -> float:
    """Width in points of `texte` in DejaVu Sans at `taille` points, as matplotlib draws it."""
    return text_to_path.get_text_width_height_descent(texte, _police(taille), ismath=False)[0]


@functools.lru_cache(maxsize=4)
def _police(taille: float) -> FontProperties:
    return FontProperties(family="DejaVu Sans", size=taille)


def _lisibles(communes: dict, noms: dict[str, str], echelle: float) -> dict[str, tuple]:
    """Where the communes' names are written: the largest commune first, each name at its
    label point or, if it would cover a name already written, one or two lines above or below
    (within the commune's envelope); a name with no free place is left out (a metropolis of 60
    communes has no room for them all; the workbook, the HTML map and the GeoPackage name every
    zone). `echelle`: map units per point. Returns {code: (x, y)}."""
    poses: list[tuple[float, float, float, float]] = []
    places = {}

    def aire(code: str) -> float:
        x0, y0, x1, y1 = communes[code].enveloppe
        return (x1 - x0) * (y1 - y0)

    def libre(boite) -> bool:
        return all(
            boite[2] <= b[0] or b[2] <= boite[0] or boite[3] <= b[1] or b[3] <= boite[1]
            for b in poses
        )

    for code in sorted(communes, key=lambda c: (-aire(c), c)):
        dx, dy = (
            (_largeur(noms[code], TAILLE_NOMS) / 2 + 1.5) * echelle,
            (TAILLE_NOMS * 0.6 + 1) * echelle,
        )
        x, y = communes[code].etiquette
        y0, y1 = communes[code].enveloppe[1], communes[code].enveloppe[3]
        for decalage in (0, 1, -1, 2, -2):
            yc = y + 2 * dy * decalage
            boite = (x - dx, yc - dy, x + dx, yc + dy)
            if y0 <= yc <= y1 and libre(boite):
                poses.append(boite)
                places[code] = (x, yc)
                break
    return places


@functools.lru_cache(maxsize=16)
def _replier(texte: str, taille: float, largeur: float) -> str:
    """`texte` wrapped at spaces to lines of at most `largeur` points in DejaVu Sans at
    `taille` points, the way matplotlib's `wrap=True` does, but once (`wrap=True` measures
    every growing line again at each drawing of each map and format)."""
    lignes = []
    for paragraphe in texte.split("\n"):
        ligne = ""
        for mot in paragraphe.split(" "):
            essai = f"{ligne} {mot}" if ligne else mot
            if ligne and _largeur(essai, taille) > largeur:
                lignes.append(ligne)
                ligne = mot
            else:
                ligne = essai
        lignes.append(ligne)
    return "\n".join(lignes)


def _ligne(texte: str) -> str:
    """A legend label wrapped to the width left of the map (about 40 characters)."""
    return "\n".join(textwrap.wrap(texte, 40))


def _legende_marque(marque: str, bailleur: str) -> str:
    """The legend of a mark; a landlord's map says its own dwellings and data."""
    if bailleur != ENSEMBLE and marque in LEGENDE_MARQUES_RESTITUTION:
        return LEGENDE_MARQUES_RESTITUTION[marque]
    return LEGENDE_MARQUES[marque]


def _echelle(carte, xmax: float, y: float, largeur: float) -> None:
    """A scale bar of a round length ending at `xmax` (the projection is in metres)."""
    longueur = next(
        (m for m in (20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100) if m <= largeur / 4), 100
    )
    carte.add_patch(
        Rectangle((xmax - longueur, y), longueur, largeur / 200, color="#202020", zorder=5)
    )
    texte = f"{longueur // 1000} km" if longueur >= 1000 else f"{longueur} m"
    carte.annotate(
        texte, (xmax - longueur / 2, y + largeur / 60), ha="center", va="bottom", fontsize=6
    )


def _legende(figure, indicateur: Indicateur, classes, lues: dict, bailleur: str) -> None:
    poignees = [
        Patch(facecolor=c, edgecolor="#6e6e6e", linewidth=0.4, label=_ligne(f"{lib} ({n})"))
        for c, lib, n in zip(classes.couleurs, classes.libelles, classes.effectifs, strict=True)
    ]
    if not any(classes.effectifs):
        poignees = [Patch(facecolor="none", edgecolor="none", label="aucune valeur publiée")]
    marques = {v for v in lues.values() if isinstance(v, str)}
    couleurs = {
        "s": COULEUR_SECRET,
        "nd": COULEUR_ND,
        NON_COMMUNIQUE: COULEUR_NC,
        "absent": COULEUR_SANS,
        "hors_plan": COULEUR_SANS,
    }
    for marque in (*MARQUES_CARTES, "absent", "hors_plan"):
        if marque in marques:
            nombre = sum(1 for v in lues.values() if v == marque)
            poignees.append(
                Patch(
                    facecolor=couleurs[marque],
                    edgecolor="#6e6e6e",
                    linewidth=0.4,
                    hatch=HACHURES.get(marque),
                    hatchcolor="#7a7a7a",
                    label=_ligne(f"{_legende_marque(marque, bailleur)} ({nombre})"),
                )
            )
    unite = {"part": "en %", "taux": "en %", "ecart": "en points", "moyenne": indicateur.unite}
    legende = figure.legend(
        handles=poignees,
        loc="upper left",
        bbox_to_anchor=(0.66, 0.86),
        fontsize=6,
        title=f"{unite.get(indicateur.type, '')} (nombre de zones)",
        title_fontsize=6,
        frameon=False,
        handlelength=1.6,
        handleheight=1.1,
    )
    legende._legend_box.align = "left"
