"""The analyst's commentary, read from `commentaires.md` at the root of the study and printed in
the report as plain text (never interpreted as markup).

Format: a Markdown-like UTF-8 text file, one `## <section>` heading per commented section, the
text below it in paragraphs separated by blank lines. A first `# title` line is allowed and
ignored. Sections (heading compared without accents or case, first word only, so
`## Emménagés récents` is `emmenages`): see SECTIONS."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..erreurs import ErreurFichier

NOM_FICHIER = "commentaires.md"
SECTIONS = {
    "synthese": "Synthèse (page des chiffres clés)",
    "qpv": "Dans et hors QPV",
    "ressources": "Ressources des ménages",
    "composition": "Composition des ménages",
    "age": "Âge des titulaires du bail",
    "emploi": "Emploi",
    "emmenages": "Emménagés récents",
    "occupation": "Occupation du parc",
    "communes": "Comparaison des communes",
    "conclusion": "Conclusion",
}


def _cle(titre: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", titre).encode("ascii", "ignore").decode()
    mots = sans_accents.lower().replace("'", " ").split()
    return mots[0] if mots else ""


def lire_commentaires(dossier_etude: Path) -> dict[str, list[str]]:
    """section -> paragraphs; empty when the study has no commentary file."""
    chemin = dossier_etude / NOM_FICHIER
    if not chemin.is_file():
        return {}
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ErreurFichier(
            NOM_FICHIER, f"le fichier n'est pas encodé en UTF-8 (octet {exc.start + 1})"
        ) from None
    attendu = ", ".join(f"« ## {k} »" for k in SECTIONS)
    sections: dict[str, list[list[str]]] = {}
    courante: list[list[str]] | None = None
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        brute = ligne.strip()
        if brute.startswith("## "):
            cle = _cle(brute[3:])
            if cle not in SECTIONS:
                raise ErreurFichier(
                    NOM_FICHIER,
                    f"ligne {numero} : section « {brute[3:].strip()} » inconnue ; sections "
                    f"possibles : {attendu}",
                )
            if cle in sections:
                raise ErreurFichier(
                    NOM_FICHIER, f"ligne {numero} : la section « {cle} » apparaît deux fois"
                )
            courante = sections[cle] = [[]]
        elif brute.startswith("# ") and courante is None:
            continue  # the document's title
        elif not brute:
            if courante is not None and courante[-1]:
                courante.append([])
        elif courante is None:
            raise ErreurFichier(
                NOM_FICHIER,
                f"ligne {numero} : texte avant la première section ; commencez par un titre de "
                f"section, par exemple « ## synthese » (sections possibles : {attendu})",
            )
        else:
            courante[-1].append(brute)
    return {
        cle: [" ".join(p) for p in paragraphes if p]
        for cle, paragraphes in sections.items()
        if any(paragraphes)
    }
