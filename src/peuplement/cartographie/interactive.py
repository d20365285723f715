"""The offline interactive map: one self-contained HTML file (Leaflet inlined from the vendored
npm package, no tile server, a Content-Security-Policy that forbids any network request) with a
maille and an indicator selector, a tooltip per zone (its name and its published value, or
`s` / `nd`), the legend, the mandatory mention and the sources.

The data embedded are the published values only (with their French display text), the classes
computed from them, and the zones' contours in longitude / latitude."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from ..erreurs import ErreurConfiguration
from ..exports.donnees import Publication
from .classes import (
    CARTES_CLES,
    COULEUR_NC,
    COULEUR_ND,
    COULEUR_SANS,
    COULEUR_SECRET,
    LEGENDE_MARQUES,
    MAILLES_CARTES,
    cartographiables,
    classer,
    texte_valeur,
    valeurs,
)
from .fonds import Fonds
from .textes import mention, sources

EMPREINTES_LEAFLET = {  # npm leaflet@1.9.4, package/dist (see vendor/leaflet/LISEZMOI.md)
    "leaflet.js": "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    "leaflet.css": "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
}
FAMILLES = {
    "couverture": "Parc et réponse à l'enquête",
    "revenus": "Ressources des ménages",
    "aides": "Aides au logement",
    "composition": "Composition des ménages",
    "age": "Âge des titulaires et des occupants",
    "activite": "Emploi",
    "dynamique": "Emménagés récents",
    "densite": "Occupation des logements",
}
POLITIQUE = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'"
)


def nom_carte_interactive(pub: Publication) -> str:
    return f"carte_interactive_{pub.code_epci}_{pub.millesime}.html"


def _leaflet(nom: str) -> str:
    contenu = resources.files(__package__).joinpath("vendor", "leaflet", nom).read_bytes()
    if hashlib.sha256(contenu).hexdigest() != EMPREINTES_LEAFLET[nom]:
        raise ErreurConfiguration(f"vendor/leaflet/{nom} : empreinte inattendue (fichier modifié)")
    texte = contenu.decode("utf-8")
    # no source map to look for; no closing tag inside the inlined code
    lignes = [ligne for ligne in texte.splitlines() if "sourceMappingURL" not in ligne]
    return "\n".join(lignes).replace("</", "<\\/")


def donnees_carte(pub: Publication, fonds: Fonds) -> dict:
    """Everything the page shows, as JSON-ready data (published values only)."""
    indicateurs = cartographiables(pub)
    mailles = {}
    for maille, titre in MAILLES_CARTES:
        contours = fonds.contours.get(maille)
        if not contours:
            continue
        zones = []
        for code, contour in sorted(contours.items()):
            zone = pub.zones.get((maille, code))
            zones.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "libelle": zone.libelle if zone else code},
                    "geometry": {"type": "MultiPolygon", "coordinates": contour.wgs84},
                }
            )
        par_indicateur = {}
        for indicateur in indicateurs:
            lues = valeurs(pub, maille, indicateur.code, contours)
            publiees = [v for v in lues.values() if isinstance(v, float)]
            classes = classer(indicateur, publiees)
            par_indicateur[indicateur.code] = {
                "valeurs": {
                    code: [v, texte_valeur(indicateur, v)] for code, v in sorted(lues.items())
                },
                "couleurs": {code: classes.couleur(v) for code, v in sorted(lues.items())},
                "legende": [
                    [c, lib, n]
                    for c, lib, n in zip(
                        classes.couleurs, classes.libelles, classes.effectifs, strict=True
                    )
                ]
                if publiees
                else [],
            }
        mailles[maille] = {
            "titre": titre,
            "zones": {"type": "FeatureCollection", "features": zones},
            "indicateurs": par_indicateur,
        }
    communes = fonds.contours.get("commune", {})
    premiere = next(iter(mailles.values()), {"indicateurs": {}})["indicateurs"]
    defaut = max(  # the key indicator with the most published zones opens the map
        (c for c in CARTES_CLES if c in premiere),
        key=lambda c: sum(1 for v, _ in premiere[c]["valeurs"].values() if isinstance(v, float)),
        default=indicateurs[0].code if indicateurs else None,
    )
    return {
        "defaut": defaut,
        "titre": f"Étude de peuplement – {pub.libelle_epci} – {pub.millesime}",
        "mention": mention(pub),
        "sources": sources(pub, fonds),
        "indicateurs": [
            {
                "code": i.code,
                "libelle": i.libelle,
                "famille": FAMILLES.get(i.famille, i.famille),
                "definition": i.definition,
            }
            for i in indicateurs
        ],
        "mailles": mailles,
        "communes": [c.wgs84 for _, c in sorted(communes.items())],
        "marques": {
            "s": [COULEUR_SECRET, LEGENDE_MARQUES["s"]],
            "nd": [COULEUR_ND, LEGENDE_MARQUES["nd"]],
            "nc": [COULEUR_NC, LEGENDE_MARQUES["nc"]],
            "absent": [COULEUR_SANS, LEGENDE_MARQUES["absent"]],
            "hors_plan": [COULEUR_SANS, LEGENDE_MARQUES["hors_plan"]],
        },
    }


def ecrire_carte_interactive(chemin: Path, pub: Publication, fonds: Fonds) -> None:
    donnees = json.dumps(donnees_carte(pub, fonds), ensure_ascii=False, separators=(",", ":"))
    donnees = donnees.replace("<", "\\u003c")  # a label can never close the script element
    page = (
        GABARIT.replace("@POLITIQUE@", POLITIQUE)
        .replace("@TITRE@", _html(f"Carte interactive – {pub.libelle_epci} – {pub.millesime}"))
        .replace("@CSS_LEAFLET@", _leaflet("leaflet.css"))
        .replace("@JS_LEAFLET@", _leaflet("leaflet.js"))
        .replace("@DONNEES@", donnees)
    )
    Path(chemin).write_text(page, encoding="utf-8")


def _html(texte: str) -> str:
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


GABARIT = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@POLITIQUE@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITRE@</title>
<style>@CSS_LEAFLET@</style>
<style>
html, body { height: 100%; margin: 0; font-family: Arial, "DejaVu Sans", sans-serif; }
body { display: flex; flex-direction: column; }
#entete { padding: 8px 14px; background: #1F3864; color: #fff; }
#entete h1 { font-size: 17px; margin: 0 0 6px 0; }
#entete label { font-size: 13px; margin-right: 14px; }
#entete select { font-size: 13px; max-width: 420px; }
#definition { font-size: 12px; color: #dfe6f3; margin-top: 4px; }
#carte { flex: 1; background: #eef1f5; }
.legende, .mention { background: rgba(255,255,255,0.94); padding: 8px 10px; font-size: 12px;
  line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,0.3); border-radius: 4px; }
.legende b { display: block; margin-bottom: 4px; }
.legende i { display: inline-block; width: 16px; height: 12px; margin-right: 6px;
  border: 1px solid #6e6e6e; vertical-align: -2px; }
.legende i.s { background: repeating-linear-gradient(45deg, #7a7a7a 0 1px, @SECRET@ 1px 5px); }
.legende i.nd { background: radial-gradient(#9a9a9a 1px, @ND@ 1.2px) 0 0 / 4px 4px; }
.legende i.nc { background: repeating-linear-gradient(0deg, #9a9a9a 0 1px, @NC@ 1px 5px); }
.mention { max-width: 560px; font-size: 11px; }
.mention b { font-size: 12px; }
</style>
</head>
<body>
<div id="entete">
  <h1 id="titre"></h1>
  <label>Maille <select id="maille"></select></label>
  <label>Indicateur <select id="indicateur"></select></label>
  <div id="definition"></div>
</div>
<div id="carte"></div>
<script>@JS_LEAFLET@</script>
<script id="donnees" type="application/json">@DONNEES@</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("donnees").textContent);
document.getElementById("titre").textContent = D.titre;
const choixMaille = document.getElementById("maille");
const choixIndicateur = document.getElementById("indicateur");
for (const [code, m] of Object.entries(D.mailles)) {
  choixMaille.add(new Option(m.titre.charAt(0).toUpperCase() + m.titre.slice(1), code));
}
const groupes = {};
for (const i of D.indicateurs) {
  if (!groupes[i.famille]) {
    groupes[i.famille] = document.createElement("optgroup");
    groupes[i.famille].label = i.famille;
    choixIndicateur.appendChild(groupes[i.famille]);
  }
  groupes[i.famille].appendChild(new Option(i.libelle, i.code));
}
const carte = L.map("carte", { zoomSnap: 0.25, preferCanvas: false });
carte.attributionControl.setPrefix("Leaflet");
const svg = L.svg().addTo(carte);
const NS = "http://www.w3.org/2000/svg";
function motifs() {
  const racine = svg._container;
  if (!racine || racine.querySelector("defs")) return;
  const defs = document.createElementNS(NS, "defs");
  defs.innerHTML =
    '<pattern id="hachure-s" patternUnits="userSpaceOnUse" width="6" height="6" ' +
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="@SECRET@"/>' +
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#7a7a7a" stroke-width="1.5"/></pattern>' +
    '<pattern id="hachure-nd" patternUnits="userSpaceOnUse" width="5" height="5">' +
    '<rect width="5" height="5" fill="@ND@"/><circle cx="2.5" cy="2.5" r="0.9" ' +
    'fill="#9a9a9a"/></pattern>' +
    '<pattern id="hachure-nc" patternUnits="userSpaceOnUse" width="5" height="5">' +
    '<rect width="5" height="5" fill="@NC@"/><line x1="0" y1="2.5" x2="5" y2="2.5" ' +
    'stroke="#9a9a9a" stroke-width="1"/></pattern>';
  racine.insertBefore(defs, racine.firstChild);
}
let couche = null;
const communes = L.geoJSON(
  { type: "FeatureCollection", features: D.communes.map(c => ({ type: "Feature",
    properties: {}, geometry: { type: "MultiPolygon", coordinates: c } })) },
  { style: { fill: false, color: "#303030", weight: 1.4 }, interactive: false, renderer: svg }
);
const legende = L.control({ position: "bottomright" });
legende.onAdd = () => L.DomUtil.create("div", "legende");
legende.addTo(carte);
const pied = L.control({ position: "bottomleft" });
pied.onAdd = () => {
  const div = L.DomUtil.create("div", "mention");
  const b = document.createElement("b");
  b.textContent = D.mention;
  div.appendChild(b);
  div.appendChild(document.createElement("br"));
  div.appendChild(document.createTextNode(D.sources));
  return div;
};
pied.addTo(carte);
function remplissage(marque, couleur) {
  return ["s", "nd", "nc"].includes(marque) ? "url(#hachure-" + marque + ")" : couleur;
}
function dessiner() {
  const maille = D.mailles[choixMaille.value];
  const code = choixIndicateur.value;
  const indicateur = D.indicateurs.find(i => i.code === code);
  const donnees = maille.indicateurs[code];
  document.getElementById("definition").textContent = indicateur.definition;
  if (couche) carte.removeLayer(couche);
  couche = L.geoJSON(maille.zones, {
    renderer: svg,
    style: f => {
      const [valeur] = donnees.valeurs[f.properties.code];
      return {
        fillColor: remplissage(valeur, donnees.couleurs[f.properties.code]),
        fillOpacity: 1, color: choixMaille.value === "iris" ? "#ffffff" : "#6e6e6e",
        weight: choixMaille.value === "iris" ? 0.6 : 0.9,
      };
    },
    onEachFeature: (f, calque) => {
      const [valeur, texte] = donnees.valeurs[f.properties.code];
      const affichage = valeur === "s" ? "s (secret statistique)"
        : valeur === "nd" ? "nd (non diffusé)" : valeur === "nc" ? "nc (non communiqué)"
        : valeur === "absent" ? "pas de donnée"
        : valeur === "hors_plan" ? "non publié à cette maille" : texte;
      const div = document.createElement("div");
      const b = document.createElement("b");
      b.textContent = f.properties.libelle;
      div.appendChild(b);
      div.appendChild(document.createElement("br"));
      div.appendChild(document.createTextNode(indicateur.libelle + " : " + affichage));
      calque.bindTooltip(div, { sticky: true });
      calque.on("mouseover", () => calque.setStyle({ weight: 2.5, color: "#000000" }));
      calque.on("mouseout", () => couche.resetStyle(calque));
    },
  }).addTo(carte);
  motifs();
  communes.bringToFront();
  const div = legende.getContainer();
  div.replaceChildren();
  const titre = document.createElement("b");
  titre.textContent = indicateur.libelle + " (nombre de zones)";
  div.appendChild(titre);
  const ligne = (classe, couleur, texte) => {
    const i = document.createElement("i");
    if (classe) i.className = classe; else i.style.background = couleur;
    div.appendChild(i);
    div.appendChild(document.createTextNode(texte));
    div.appendChild(document.createElement("br"));
  };
  if (!donnees.legende.length) ligne("", "#ffffff", "aucune valeur publiée à cette maille");
  for (const [couleur, texte, n] of donnees.legende) ligne("", couleur, texte + " (" + n + ")");
  const valeurs = Object.values(donnees.valeurs).map(v => v[0]);
  for (const marque of ["s", "nd", "nc", "absent", "hors_plan"]) {
    const n = valeurs.filter(v => v === marque).length;
    if (n) ligne(["absent", "hors_plan"].includes(marque) ? "" : marque, D.marques[marque][0],
                 D.marques[marque][1] + " (" + n + ")");
  }
  document.body.dataset.zones = String(couche.getLayers().length);
  document.body.dataset.pret = "oui";
}
function changer() {
  history.replaceState(null, "", "#maille=" + choixMaille.value + "&indicateur=" +
                       choixIndicateur.value);
  dessiner();
}
choixMaille.addEventListener("change", changer);
choixIndicateur.addEventListener("change", changer);
communes.addTo(carte);
carte.fitBounds(communes.getBounds().isValid() ? communes.getBounds()
  : L.geoJSON(Object.values(D.mailles)[0].zones).getBounds(), { padding: [10, 10] });
choixIndicateur.value = D.defaut;
// a link can open the map on a maille and an indicator: carte.html#maille=qpv&indicateur=part_apl
const lien = new URLSearchParams(location.hash.slice(1));
if (D.mailles[lien.get("maille")]) choixMaille.value = lien.get("maille");
if (D.indicateurs.some(i => i.code === lien.get("indicateur"))) {
  choixIndicateur.value = lien.get("indicateur");
}
dessiner();
</script>
</body>
</html>
""".replace("@SECRET@", COULEUR_SECRET).replace("@ND@", COULEUR_ND).replace("@NC@", COULEUR_NC)
