"""Write tables the way landlords send them: xlsx, ods, csv (any encoding and delimiter)."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

Ligne = Sequence[object]  # str (written as text, even "12"), int, float, bool, date or None


def ecrire_xlsx(chemin: Path, feuilles: dict[str, Iterable[Ligne]]) -> None:
    classeur = xlsxwriter.Workbook(
        str(chemin), {"constant_memory": True, "strings_to_numbers": False}
    )
    format_date = classeur.add_format({"num_format": "dd/mm/yyyy"})
    gras = classeur.add_format({"bold": True})
    for nom, lignes in feuilles.items():
        feuille = classeur.add_worksheet(nom)
        for i, ligne in enumerate(lignes):
            for j, v in enumerate(ligne):
                if v is None:
                    continue
                if isinstance(v, bool):
                    feuille.write_boolean(i, j, v)
                elif isinstance(v, dt.date):
                    feuille.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), format_date)
                elif isinstance(v, int | float):
                    feuille.write_number(i, j, v)
                else:
                    feuille.write_string(i, j, str(v), gras if i == 0 and j == 0 else None)
    classeur.close()


_MANIFESTE = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

_ENTETE_ODS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)


def _cellule_ods(v: object) -> str:
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, bool):
        b = "true" if v else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{b}">'
            f"<text:p>{'VRAI' if v else 'FAUX'}</text:p></table:table-cell>"
        )
    if isinstance(v, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}">'
            f"<text:p>{v:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(v, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{v}">'
            f"<text:p>{v}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def ecrire_ods(chemin: Path, feuilles: dict[str, Iterable[Ligne]]) -> None:
    with zipfile.ZipFile(chemin, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("META-INF/manifest.xml", _MANIFESTE, compress_type=zipfile.ZIP_DEFLATED)
        with z.open("content.xml", "w", force_zip64=True) as contenu:
            contenu.write(_ENTETE_ODS.encode())
            for nom, lignes in feuilles.items():
                contenu.write(f'<table:table table:name="{escape(nom)}">'.encode())
                tampon = []
                for ligne in lignes:
                    tampon.append(
                        "<table:table-row>"
                        + "".join(_cellule_ods(v) for v in ligne)
                        + "</table:table-row>"
                    )
                    if len(tampon) >= 2000:
                        contenu.write("".join(tampon).encode())
                        tampon = []
                contenu.write(("".join(tampon) + "</table:table>").encode())
            contenu.write(b"</office:spreadsheet></office:body></office:document-content>")


def ecrire_csv(
    chemin: Path,
    lignes: Iterable[Ligne],
    separateur: str = ",",
    encodage: str = "utf-8",
    virgule_decimale: bool = False,
) -> None:
    def texte(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "1" if v else "0"
        if isinstance(v, dt.date):
            return f"{v:%d/%m/%Y}"
        if isinstance(v, float) and virgule_decimale:
            return repr(v).replace(".", ",")
        return str(v)

    with open(chemin, "w", encoding=encodage, newline="") as f:
        w = csv.writer(f, delimiter=separateur, lineterminator="\r\n")
        for ligne in lignes:
            w.writerow([texte(v) for v in ligne])
