"""The register as a data protection officer reads it: French labels, local time (Europe/Paris)
with its UTC offset, « données concernées » in words, a heading block (study, EPCI, controller,
purpose, convention, recipients) and a printable workbook (A4 landscape, one page wide, heading
row repeated, page numbers). The purge attestation uses the same heading and layout.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

FUSEAU = ZoneInfo("Europe/Paris")

OPERATIONS = {
    "creation": "Création de l'étude",
    "chargement": "Chargement de fichiers",
    "construction": "Construction de l'entrepôt (dbt)",
    "export": "Écriture des exports",
    "purge": "Destruction des données (fin d'étude)",
    "changement_cle": "Gestion des clés",
    "acces": "Consultation de données",
    "anomalies": "Consultation des anomalies",
}
RESULTATS = {
    "reussi": "Réussie",
    "echec": "En échec",
    "refuse": "Refusée",
    "commence": "Commencée",
    "interrompu": "Interrompue",
}
CLES = {
    "etude": "Étude",
    "debut": "Fin de l'opération commencée à l'entrée n°",
    "fichiers": "Fichiers",
    "tables": "Tables",
    "load_id": "Identifiant du chargement",
    "fichier": "Fichier",
    "nom": "Fichier",
    "chemin": "Fichier",
    "sha256": "SHA-256",
    "statut": "statut",
    "lignes_lues": "lignes lues",
    "lignes_chargees": "chargées",
    "lignes_quarantaine": "en quarantaine",
    "octets": "octets",
    "commande": "Commande",
    "base": "Entrepôt",
    "modeles": "Modèles construits",
    "tests": "Tests",
    "en_echec": "En échec",
    "echecs": "Tests en échec",
    "dossier": "Dossier",
    "fichiers_remplaces": "Fichiers de la publication précédente mis de côté",
    "ecritures_reprises": "Écritures interrompues reprises",
    "fichiers_detruits": "Fichiers détruits",
    "restes": "Restes trouvés",
    "destinataire": "Clé publique de transmission",
    "cle_transmission_rechiffree": "Clé de transmission rechiffrée",
    "derivation": "Dérivation de la clé",
}
STATUTS = {"charge": "chargé", "deja_charge": "déjà chargé", "retire": "retiré"}
ENTETE_TABLE = (
    "N°",
    "Date et heure (Europe/Paris)",
    "Opérateur",
    "Opération",
    "Résultat",
    "Message",
    "Données concernées",
    "Sceau",
)


def heure_locale(horodatage: str) -> str:
    """ISO 8601 (any offset) -> « 01/12/2026 10:49:39 (UTC+01:00) », Paris time."""
    try:
        moment = dt.datetime.fromisoformat(horodatage)
    except (TypeError, ValueError):
        return str(horodatage)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    local = moment.astimezone(FUSEAU)
    decalage = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S} (UTC{decalage[:3]}:{decalage[3:]})"


def _ordonnes(d: dict) -> list[tuple[str, object]]:
    """Keys in the order of CLES (the register is stored with sorted keys)."""
    rang = {cle: i for i, cle in enumerate(CLES)}
    return sorted(d.items(), key=lambda kv: (rang.get(kv[0], len(rang)), kv[0]))


def _valeur(cle: str, valeur) -> str:
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if cle == "sha256" and isinstance(valeur, str):
        return valeur[:12] + "…"
    if cle == "statut":
        return STATUTS.get(valeur, str(valeur))
    if isinstance(valeur, dict):
        return ", ".join(
            f"{CLES.get(k, k.replace('_', ' '))} {_valeur(k, v)}" for k, v in _ordonnes(valeur)
        )
    if isinstance(valeur, list):
        return " ; ".join(_element(v) for v in valeur) if valeur else "aucun"
    return str(valeur)


def _element(element) -> str:
    """One file (or other item) of a list, its name first."""
    if not isinstance(element, dict):
        return str(element)
    nom = next((element[k] for k in ("fichier", "nom", "chemin") if k in element), None)
    details = [
        f"{CLES.get(k, k.replace('_', ' '))} {_valeur(k, v)}"
        for k, v in _ordonnes(element)
        if k not in ("fichier", "nom", "chemin")
    ]
    return (f"{nom} " if nom else "") + (f"({', '.join(details)})" if details else "")


def donnees_lisibles(donnees: dict) -> str:
    """« Données concernées » in words, one line per key (the process id is left out)."""
    lignes = []
    for cle, valeur in _ordonnes(donnees or {}):
        if cle == "processus":
            continue
        lignes.append(
            f"{CLES.get(cle, cle.replace('_', ' ').capitalize())} : {_valeur(cle, valeur)}"
        )
    return "\n".join(lignes)


def entete_etude(dossier: Path) -> list[tuple[str, str]]:
    """The heading block, from etude.yml."""
    from ..erreurs import ErreurPeuplement
    from ..etude.configuration import charger_etude

    try:
        etude = charger_etude(dossier)
    except ErreurPeuplement:
        return [("Étude", f"{dossier} (etude.yml illisible : en-tête incomplet)")]

    def date(d) -> str:
        return f"{d:%d/%m/%Y}" if d else "non renseignée"

    convention = (
        f"signée le {date(etude.signature_convention)}, fin le {date(etude.fin_convention)}"
    )
    if etude.prolongation_mois:
        convention += (
            f", prolongée de {etude.prolongation_mois} mois (jusqu'au {date(etude.date_limite)})"
        )
    return [
        ("Étude", etude.nom),
        ("EPCI", f"{etude.libelle_epci} (SIREN {etude.code_epci})"),
        ("Millésime des données", str(etude.millesime)),
        ("Responsable du traitement", etude.responsable or etude.libelle_epci),
        (
            "Finalité",
            etude.finalite
            or "Étude de peuplement du parc social (données OPS et RPLS, convention de mise à "
            "disposition)",
        ),
        ("Convention", convention),
        ("Destinataires des résultats", " ; ".join(etude.destinataires) or "non renseignés"),
        ("Personne en charge du traitement", etude.operateur),
    ]


def lignes_registre(entrees: list[dict]) -> list[list]:
    """One row per entry; an entry whose fields were tampered with is shown as it is (its
    missing fields empty): `verifier` names it."""
    lignes = []
    for e in entrees:
        champ = {k: e.get(k, "") for k in ("numero", "horodatage", "operateur", "message")}
        operation, resultat = str(e.get("operation", "")), str(e.get("resultat", ""))
        donnees = e.get("donnees")
        lignes.append(
            [
                champ["numero"],
                heure_locale(champ["horodatage"]),
                champ["operateur"],
                OPERATIONS.get(operation, operation),
                RESULTATS.get(resultat, resultat),
                champ["message"],
                donnees_lisibles(donnees) if isinstance(donnees, dict) else str(donnees or ""),
                ("HMAC-SHA256 " if e.get("sceau") == "hmac-sha256" else "SHA-256 ")
                + str(e.get("empreinte", "")),
            ]
        )
    return lignes


def mettre_en_page(feuille, titre: str, ligne_entete: int | None = None) -> None:
    """A4 landscape, one page wide, heading row repeated on each page, page numbers."""
    feuille.set_landscape()
    feuille.set_paper(9)  # A4
    feuille.fit_to_pages(1, 0)
    feuille.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if ligne_entete is not None:
        feuille.repeat_rows(ligne_entete)
    feuille.set_header(f"&L&8{titre.replace('&', '&&')}")
    feuille.set_footer("&L&8Édité le &D à &T&R&8Page &P / &N")


def exporter(registre, chemin: Path) -> Path:
    """The register as a printable workbook (.xlsx) or a CSV table, in French, local time."""
    chemin = Path(chemin)
    entrees = registre.lire()
    lignes = lignes_registre(entrees)
    if chemin.suffix.lower() != ".xlsx":
        with open(chemin, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(ENTETE_TABLE)
            w.writerows(lignes)
        return chemin
    import xlsxwriter

    verification = registre.verifier()
    entete = entete_etude(registre.dossier) + [
        ("Entrées", str(len(entrees))),
        ("Vérification de la chaîne", verification.resume()),
        ("Édité le", heure_locale(dt.datetime.now().astimezone().isoformat())),
    ]
    classeur = xlsxwriter.Workbook(str(chemin))
    feuille = classeur.add_worksheet("Registre")
    titre = classeur.add_format({"bold": True, "font_size": 14})
    gras = classeur.add_format({"bold": True, "valign": "top"})
    texte = classeur.add_format({"text_wrap": True, "valign": "top"})
    tete = classeur.add_format(
        {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
    )
    cellule = classeur.add_format({"text_wrap": True, "valign": "top", "border": 1})
    feuille.write(0, 0, "Registre des opérations de traitement (annexe 1 de la convention)", titre)
    for i, (cle, valeur) in enumerate(entete, start=2):
        feuille.write(i, 0, cle, gras)
        feuille.merge_range(i, 1, i, 4, valeur, texte)
    debut = len(entete) + 3
    feuille.write_row(debut, 0, ENTETE_TABLE, tete)
    for i, ligne in enumerate(lignes, start=debut + 1):
        feuille.write_row(i, 0, ligne, cellule)
    for j, largeur in enumerate((6, 27, 22, 26, 12, 50, 60, 30)):
        feuille.set_column(j, j, largeur)
    feuille.freeze_panes(debut + 1, 0)
    mettre_en_page(feuille, f"Registre des opérations – {entete[0][1]}", debut)
    feuille.print_area(0, 0, debut + max(len(lignes), 1), len(ENTETE_TABLE) - 1)
    classeur.close()
    return chemin
