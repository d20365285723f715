"""One file of a delivery, end to end: read (decrypting `.age` in memory), choose the sheet,
check the header, sort the rows, deposit them and report.

May import: the loader's steps (`lecture`, `choix_feuille`, `entete`, `lignes`, `depot`,
`rapport`, `session`) and `peuplement.protection.transmission` (decryption).
"""

from __future__ import annotations

from pathlib import Path

from ..erreurs import ErreurFichier
from ..protection.transmission import EXTENSION as EXTENSION_AGE
from ..protection.transmission import dechiffrer, nom_clair
from .choix_feuille import choisir_feuille
from .depot import deposer, ecrire_fichier, lot_arrow
from .dictionnaire import Dictionnaire
from .entete import departager, verifier_entete
from .lecture import lire_fichier
from .lignes import decouper
from .livraisons import Livraison
from .rapport import RapportFichier, rapport_fichier
from .session import Session


def charger_fichier(s: Session, livraison: Livraison, chemin: Path, sha: str) -> RapportFichier:
    rel = s.rel(chemin)
    dico = Dictionnaire(livraison.jeu, livraison.config)
    if chemin.suffix.lower() == EXTENSION_AGE:  # decrypted in memory, never written in clear
        contenu = dechiffrer(s.etude, chemin, rel)
        feuilles = lire_fichier(nom_clair(chemin), livraison.config, contenu, nom=rel)
    else:
        analyse = s.anticipation.prendre(chemin) if s.anticipation else None
        feuilles = lire_fichier(chemin, livraison.config, nom=rel, analyse=analyse)
        del analyse  # its parsed sheets are freed once they are Python rows
    feuille, entete, autres = choisir_feuille(rel, feuilles, dico, livraison)
    ou = rel + (f", feuille « {feuille.nom} »" if feuille.nom else "")
    numero_entete = (feuille.numeros or [0] * len(feuille.lignes))[entete.index] or (
        feuille.premiere_ligne + entete.index
    )
    section = livraison.jeu.nom if livraison.bailleur is None else None
    departager(entete, feuille.lignes[entete.index + 1 :], dico, livraison.fichier_config, section)
    verifier_entete(entete, dico, ou, livraison.fichier_config, numero_entete, section)
    decoupage = decouper(feuille, entete)
    if not decoupage.numeros:
        raise ErreurFichier(ou, "aucune ligne de données sous l'en-tête (feuille vide ?)")
    lot = deposer(s, lot_arrow(livraison, dico, decoupage), livraison, entete, rel, feuille, sha)
    rapport = rapport_fichier(s, livraison, rel, feuille, sha, decoupage, entete, lot)
    ecrire_fichier(s, livraison, chemin, rel, feuille, sha)
    notes = entete.departages + (
        [f"feuille(s) sans données ignorée(s) : {', '.join(autres)}"] if autres else []
    )
    rapport.message = " ; ".join(notes)
    rapport.alertes = [f"{ou} : {alerte}" for alerte in entete.alertes]
    return rapport
