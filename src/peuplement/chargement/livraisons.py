"""Deliveries: what each source (a landlord's folder, a reference dataset) sent for the study."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..etude.configuration import FICHIER_CORRESPONDANCES, Etude, fichiers_donnees
from .catalogue import JEUX, OPS, REFERENTIELS, Jeu
from .dictionnaire import ConfigSource
from .texte import normaliser_entete


@dataclass
class Livraison:
    jeu: Jeu
    bailleur: str | None
    fichiers: list[Path]
    config: ConfigSource
    fichier_config: str


def sha256_fichier(chemin: Path) -> str:
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def lister_livraisons(etude: Etude, remarques: list[str]) -> list[Livraison]:
    """Reference datasets first (RPLS before the landlords' rows are checked), then landlords."""
    livraisons = []
    ref = etude.dossier_referentiels
    config_ref = ref / FICHIER_CORRESPONDANCES
    par_jeu: dict[str, list[Path]] = {j: [] for j in REFERENTIELS}
    for chemin in fichiers_donnees(ref):
        nom = normaliser_entete(chemin.stem)
        jeu = next((j for j in REFERENTIELS if nom.startswith(j)), None)
        if jeu is None:
            remarques.append(
                f"{chemin.relative_to(etude.dossier)} : fichier non reconnu, ignoré (le nom d'un "
                f"référentiel commence par {', '.join(REFERENTIELS)})"
            )
        else:
            par_jeu[jeu].append(chemin)
    for jeu in REFERENTIELS:
        if par_jeu[jeu]:
            config = ConfigSource.lire(config_ref, JEUX[jeu], section=jeu)
            livraisons.append(
                Livraison(
                    JEUX[jeu],
                    None,
                    par_jeu[jeu],
                    config,
                    str(config_ref.relative_to(etude.dossier)),
                )
            )
    for code in etude.bailleurs():
        dossier = etude.dossier_bailleurs / code
        chemin_config = dossier / FICHIER_CORRESPONDANCES
        config = ConfigSource.lire(chemin_config, OPS)
        fichiers = fichiers_donnees(dossier)
        if not fichiers:
            remarques.append(f"bailleurs/{code} : aucun fichier de données (xlsx, ods, csv...)")
            continue
        livraisons.append(
            Livraison(OPS, code, fichiers, config, str(chemin_config.relative_to(etude.dossier)))
        )
    return livraisons


def total_octets(etude: Etude) -> int:
    """Size of every data file of the study, for a progress bar."""
    return sum(
        p.stat().st_size for livraison in lister_livraisons(etude, []) for p in livraison.fichiers
    )
