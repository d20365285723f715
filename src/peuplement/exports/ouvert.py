"""The open files: `cellules.csv` (every figure of the release, long format), `zones.csv` and
`indicateurs.csv` (enough to rebuild its additive structure). UTF-8, `;`-separated, decimal
point; hidden values empty, `statut` in publie / s / nd and, for a `nd`, `motif_nd`
(reponse_insuffisante: low response rate; non_disponible: variable not supplied), as in the
mart."""

from __future__ import annotations

import csv
from pathlib import Path

from .donnees import STATUTS_MART, Publication
from .texte import sur


def _nombre(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(round(x, 10))
    return str(x)


def ecrire_cellules(pub: Publication, chemin: Path) -> None:
    unites = {i.code: i.unite for i in pub.indicateurs}
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            [
                "maille",
                "code_zone",
                "libelle_zone",
                "bailleur",
                "indicateur",
                "unite",
                "numerateur",
                "denominateur",
                "valeur",
                "statut",
                "motif_nd",
            ]
        )
        for (maille, zone, bailleur, indicateur), (marque, num, den, val) in sorted(
            pub.cellules.items()
        ):
            statut, motif = STATUTS_MART.get(marque, (marque, ""))
            libelle = pub.zones[(maille, zone)].libelle if (maille, zone) in pub.zones else None
            w.writerow(
                [
                    maille,
                    sur(zone),
                    sur(libelle),
                    sur(bailleur),
                    indicateur,
                    unites.get(indicateur, ""),
                    _nombre(num),
                    _nombre(den),
                    _nombre(val),
                    statut,
                    motif,
                ]
            )


def ecrire_zones(pub: Publication, chemin: Path) -> None:
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["code_zone", "maille", "libelle", "commune", "epci", "qpv"])
        for (maille, code), z in sorted(pub.zones.items()):
            w.writerow([sur(code), maille, sur(z.libelle), sur(z.commune), sur(z.epci), sur(z.qpv)])


def ecrire_indicateurs(pub: Publication, chemin: Path) -> None:
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["indicateur", "libelle", "famille", "unite", "partition"])
        for i in pub.indicateurs:
            w.writerow([i.code, sur(i.libelle), i.famille, i.unite, i.partition or ""])
