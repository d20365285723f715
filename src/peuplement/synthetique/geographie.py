"""Synthetic geography of a CAHC-shaped EPCI: its 14 real communes, synthetic IRIS, QPV and
quartiers whose codes follow the real formats and whose labels say they are synthetic.

Another number of communes can be asked for (`peuplement demo --communes N`), so that a
benchmark measures an EPCI of the shape it stands for: a small EPCI keeps the N largest real
communes; a metropolis adds synthetic communes (codes 62910 upwards, which no real commune of
the Pas-de-Calais uses, labels « Commune synthétique k ») around the real ones, on a spiral,
with stocks drawn from a log-normal law like the real small communes', one QPV in each added
commune of at least 1,500 social dwellings (two from 5,000)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CODE_EPCI = "246200364"  # SIREN of the CA Hénin-Carvin [to confirm]
LIBELLE_EPCI = "CA d'Hénin-Carvin (parc synthétique)"

# (INSEE code, name, weight in the social stock, number of synthetic QPV)
COMMUNES = (
    ("62152", "Bois-Bernard", 0.6, 0),
    ("62215", "Carvin", 15.0, 1),
    ("62249", "Courcelles-lès-Lens", 4.5, 0),
    ("62250", "Courrières", 9.0, 1),
    ("62274", "Dourges", 4.0, 0),
    ("62276", "Drocourt", 2.5, 0),
    ("62321", "Évin-Malmaison", 3.5, 0),
    ("62427", "Hénin-Beaumont", 24.0, 2),
    ("62497", "Leforest", 4.5, 0),
    ("62907", "Libercourt", 7.0, 1),
    ("62587", "Montigny-en-Gohelle", 7.5, 1),
    ("62624", "Noyelles-Godault", 4.5, 0),
    ("62637", "Oignies", 8.0, 1),
    ("62724", "Rouvroy", 7.0, 1),
)
# Approximate centre (longitude, latitude) and area (km²) of each commune: the synthetic
# contours are drawn around them, so that the demo's maps look like the territory.
CENTRES = {
    "62152": (2.913, 50.378, 6.5),
    "62215": (2.958, 50.492, 24.6),
    "62249": (3.017, 50.417, 3.7),
    "62250": (2.948, 50.457, 10.6),
    "62274": (2.986, 50.436, 9.0),
    "62276": (2.924, 50.390, 3.4),
    "62321": (3.033, 50.440, 6.1),
    "62427": (2.951, 50.421, 20.6),
    "62497": (3.064, 50.437, 5.5),
    "62907": (3.015, 50.483, 6.4),
    "62587": (2.931, 50.426, 4.9),
    "62624": (2.993, 50.417, 6.0),
    "62637": (2.993, 50.468, 10.0),
    "62724": (2.903, 50.394, 6.7),
}
COMMUNES_MAX = 100
PREMIER_CODE_SYNTHETIQUE = 62910
SURFACE_SYNTHETIQUE = 8.0  # km² of each added commune
KM_PAR_DEGRE_LATITUDE = 111.2


@dataclass
class Geographie:
    communes: list[tuple[str, str]]
    iris: list[tuple[str, str, str]]  # code, label, commune
    qpv: list[tuple[str, str, str]]  # code 2015, label, commune
    quartiers: list[tuple[str, str, str]]  # iris, quartier code, quartier label
    iris_commune: np.ndarray  # index of the commune of each IRIS
    iris_qpv: np.ndarray  # index of the QPV overlapping each IRIS, -1 if none
    poids_iris: np.ndarray  # share of the stock in each IRIS
    centres: dict[str, tuple[float, float, float]]  # commune: longitude, latitude, area (km²)


def _communes(nombre: int | None, rng: np.random.Generator) -> tuple[tuple, dict]:
    """The communes (code, name, weight, QPV) and their centres: the 14 real ones by default,
    the `nombre` largest of them, or all of them and synthetic ones around them (at most
    `COMMUNES_MAX`: the codes from 62910 stay within five digits)."""
    if nombre is None or nombre == len(COMMUNES):
        return COMMUNES, CENTRES
    if nombre < len(COMMUNES):
        gardees = sorted(range(len(COMMUNES)), key=lambda k: -COMMUNES[k][2])[:nombre]
        communes = tuple(COMMUNES[k] for k in sorted(gardees))
        return communes, {c[0]: CENTRES[c[0]] for c in communes}
    lon0 = float(np.mean([c[0] for c in CENTRES.values()]))
    lat0 = float(np.mean([c[1] for c in CENTRES.values()]))
    surface_reelle = sum(c[2] for c in CENTRES.values())
    km_par_degre_longitude = KM_PAR_DEGRE_LATITUDE * np.cos(np.radians(lat0))
    ajoutees, centres = [], dict(CENTRES)
    for k in range(nombre - len(COMMUNES)):
        code = str(PREMIER_CODE_SYNTHETIQUE + k)
        poids = float(np.clip(rng.lognormal(np.log(3.0), 0.8), 0.3, 20.0))
        ajoutees.append((code, f"Commune synthétique {k + 1}", poids, None))  # QPV: by stock
        # Vogel's spiral: the added communes fill the rings around the real ones
        rayon = np.sqrt((surface_reelle + (k + 0.5) * SURFACE_SYNTHETIQUE) / np.pi)
        angle = k * np.pi * (3 - np.sqrt(5))
        centres[code] = (
            lon0 + rayon * np.cos(angle) / km_par_degre_longitude,
            lat0 + rayon * np.sin(angle) / KM_PAR_DEGRE_LATITUDE,
            SURFACE_SYNTHETIQUE,
        )
    return COMMUNES + tuple(ajoutees), centres


def construire(
    logements: int, rng: np.random.Generator, nombre_communes: int | None = None
) -> Geographie:
    liste, centres = _communes(nombre_communes, rng)
    poids = np.array([c[2] for c in liste])
    poids = poids / poids.sum()
    communes, iris, qpv, quartiers = [], [], [], []
    iris_commune, iris_qpv, poids_iris = [], [], []
    numero_qpv = 0
    for k, (code, nom, _, nb_qpv) in enumerate(liste):
        communes.append((code, nom))
        stock = logements * poids[k]
        if nb_qpv is None:  # within the 99 synthetic codes QP062901..QP062999
            nb_qpv = min(int(stock >= 1500) + int(stock >= 5000), 99 - numero_qpv)
        nb_iris = int(min(9999, max(1, round(stock / 350))))
        if nb_iris == 1:
            codes = [f"{code}0000"]  # a commune without IRIS division
        else:
            codes = [f"{code}{101 + i:04d}" for i in range(nb_iris)]
        qpv_locaux = []
        for _ in range(nb_qpv):
            numero_qpv += 1
            code_qpv = f"QP062{900 + numero_qpv:03d}"
            qpv.append((code_qpv, f"QPV synthétique {numero_qpv} – {nom}", code))
            qpv_locaux.append(len(qpv) - 1)
        taille = rng.gamma(4.0, 1.0, nb_iris)
        for i, code_iris in enumerate(codes):
            iris.append((code_iris, f"{nom} – IRIS synthétique {i + 1}", code))
            iris_commune.append(k)
            # QPV sit in the first IRIS of the commune (one or two IRIS each)
            rang_qpv = i // max(1, min(2, nb_iris // max(1, 2 * nb_qpv)))
            iris_qpv.append(
                qpv_locaux[rang_qpv]
                if rang_qpv < len(qpv_locaux) and nb_iris > 1
                else (qpv_locaux[0] if qpv_locaux and nb_iris == 1 else -1)
            )
            poids_iris.append(poids[k] * taille[i] / taille.sum())
        groupe = 3 if nb_iris >= 3 else nb_iris
        for i, code_iris in enumerate(codes):
            n = i // groupe + 1
            quartiers.append((code_iris, f"{code}-Q{n:02d}", f"{nom} – quartier synthétique {n}"))
    return Geographie(
        communes,
        iris,
        qpv,
        quartiers,
        np.array(iris_commune),
        np.array(iris_qpv),
        np.array(poids_iris),
        centres,
    )
