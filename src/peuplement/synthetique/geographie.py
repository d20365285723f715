"""Synthetic geography of a CAHC-shaped EPCI: its 14 real communes, synthetic IRIS, QPV and
quartiers whose codes follow the real formats and whose labels say they are synthetic."""

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


@dataclass
class Geographie:
    communes: list[tuple[str, str]]
    iris: list[tuple[str, str, str]]  # code, label, commune
    qpv: list[tuple[str, str, str]]  # code 2015, label, commune
    quartiers: list[tuple[str, str, str]]  # iris, quartier code, quartier label
    iris_commune: np.ndarray  # index of the commune of each IRIS
    iris_qpv: np.ndarray  # index of the QPV overlapping each IRIS, -1 if none
    poids_iris: np.ndarray  # share of the stock in each IRIS


def construire(logements: int, rng: np.random.Generator) -> Geographie:
    poids = np.array([c[2] for c in COMMUNES])
    poids = poids / poids.sum()
    communes, iris, qpv, quartiers = [], [], [], []
    iris_commune, iris_qpv, poids_iris = [], [], []
    numero_qpv = 0
    for k, (code, nom, _, nb_qpv) in enumerate(COMMUNES):
        communes.append((code, nom))
        stock = logements * poids[k]
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
    )
