"""The CIL report (PDF), read back as a CIL member would: its text extracted with pypdf and every
figure compared with the mart; no hidden value printed; the analyst's commentary printed as
typed; maps slotted in on the theme pages when the study has some."""

import re

import duckdb
import pytest
from pypdf import PdfReader

from peuplement.erreurs import ErreurFichier
from peuplement.exports.commentaires import lire_commentaires
from peuplement.exports.rapport import ecrire_rapport

ESPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\n": " "})


def _texte(chemin) -> list[str]:
    """One normalised string per page (runs of spaces collapsed)."""
    pages = []
    for page in PdfReader(chemin).pages:
        pages.append(re.sub(r"\s+", " ", page.extract_text().translate(ESPACES)))
    return pages


def _fr(type_, numerateur, valeur):
    """The mart's figure as a French reader expects to see it (independent of the module)."""
    if type_ == "effectif":
        return f"{numerateur:,}".replace(",", " ")
    if type_ in ("part", "taux"):
        return f"{valeur * 100:.1f}".replace(".", ",") + " %"
    if type_ == "ecart":
        return f"{valeur * 100:+.1f}".replace(".", ",") + " pt"
    return f"{valeur:.2f}".replace(".", ",")


@pytest.fixture(scope="module")
def release(entrepot_construit):
    base = entrepot_construit[0]
    con = duckdb.connect(str(base), read_only=True)
    mart = {
        (m, z, i): (s, t, n, v)
        for m, z, i, s, t, n, v in con.execute(
            "select maille, code_zone, indicateur, case when motif_nd = 'non_disponible' then "
            "'nc' else statut end, type, numerateur, valeur "
            "from marts.fct_indicateurs where bailleur = 'ensemble'"
        ).fetchall()
    }
    vraies = {
        (m, z, i): (t, n, v)
        for m, z, i, t, n, v in con.execute(
            "select l.maille, l.code_zone, l.indicateur, l.type, l.numerateur, l.valeur "
            "from intermediate.int_indicateurs__long l join marts.fct_indicateurs f using "
            "(millesime, maille, code_zone, bailleur, indicateur) "
            "where l.bailleur = 'ensemble' and f.statut <> 'publie' and l.valeur is not null"
        ).fetchall()
    }
    libelles = dict(con.execute("select indicateur, libelle from marts.dim_indicateurs").fetchall())
    zones = {
        (m, c): lib
        for m, c, lib in con.execute(
            "select maille, code_zone, libelle from marts.dim_zones"
        ).fetchall()
    }
    (epci,) = con.execute("select code_epci from staging.stg_etude__parametres").fetchone()
    con.close()
    return base, mart, vraies, libelles, zones, epci


@pytest.fixture(scope="module")
def rapport(release):
    (chemin,) = sorted((release[0].parent / "exports").glob("rapport_cil_*.pdf"))
    return chemin, _texte(chemin)


def _attendu(mart, maille, zone, indicateur):
    statut, type_, numerateur, valeur = mart[(maille, zone, indicateur)]
    return statut if statut != "publie" else _fr(type_, numerateur, valeur)


def test_the_report_prints_the_marts_figures(release, rapport):
    _, mart, _, libelles, zones, epci = release
    _, pages = rapport
    texte = " ".join(pages)
    assert "Données d'occupation du parc social au 1er janvier 2022" in pages[0]
    assert all("Données d'occupation du parc social au 1er janvier 2022" in p for p in pages[1:])
    # the EPCI in and out of QPV: each indicator's row reads EPCI, in QPV, out of QPV
    (page_qpv,) = [
        p.split("Dans et hors quartiers prioritaires", 1)[1]
        for p in pages
        if "Dans et hors quartiers prioritaires" in p
    ]
    lignes_qpv = 0
    for maille, _, indicateur in mart:
        if maille == "epci" and libelles[indicateur] in page_qpv:
            ligne = " ".join(
                [libelles[indicateur]]
                + [
                    _attendu(mart, m, z, indicateur)
                    for m, z in (
                        ("epci", epci),
                        ("epci_qpv", f"{epci}-qpv"),
                        ("epci_qpv", f"{epci}-hors_qpv"),
                    )
                ]
            )
            assert ligne in page_qpv, ligne
            lignes_qpv += 1
    assert lignes_qpv >= 6
    # the communes compared: one row per commune, the EPCI first
    (page_communes,) = [p for p in pages if "Comparaison des communes" in p]
    communes = sorted(z for (m, z) in zones if m == "commune")
    entete = page_communes.split("Commune ", 1)[1][:500]
    indicateurs = sorted(
        (i for i in libelles if libelles[i] in entete), key=lambda i: entete.index(libelles[i])
    )
    assert len(indicateurs) >= 5
    reference = " ".join(
        [zones[("epci", epci)]] + [_attendu(mart, "epci", epci, i) for i in indicateurs]
    )
    for code in communes:
        ligne = " ".join(
            [zones[("commune", code)]] + [_attendu(mart, "commune", code, i) for i in indicateurs]
        )
        assert ligne in page_communes, ligne
        assert page_communes.index(reference) < page_communes.index(ligne)  # the EPCI first
    # the key figures of the EPCI
    for indicateur in ("nb_logements", "nb_menages_repondants", "part_apl"):
        assert f"{_attendu(mart, 'epci', epci, indicateur)} {libelles[indicateur]}" in texte


def test_no_hidden_value_is_printed(release, rapport):
    _, mart, vraies, _, _, _ = release
    _, pages = rapport
    texte = " ".join(pages)
    publies = {
        _fr(t, n, v) for (s, t, n, v) in mart.values() if s == "publie" and t in ("part", "taux")
    }
    # every one-decimal percentage printed is a published figure of the release
    imprimes = set(re.findall(r"\d+,\d %", texte))
    assert imprimes and imprimes <= publies, imprimes - publies
    # a hidden cell's true value appears nowhere, unless another zone publishes the same figure
    cachees = {
        _fr(t, n, v)
        for (m, _, _), (t, n, v) in vraies.items()
        if m in ("epci", "epci_qpv", "commune") and t in ("part", "taux")
    }
    assert cachees - publies, "the demo must hide distinctive values for this test to bite"
    assert not (cachees - publies) & imprimes
    assert texte.count(" s ") > 10  # hidden figures show their mark


@pytest.fixture(scope="module")
def cartes(cartes_demo):
    """The demo's maps, drawn from its contours as the export draws them (conftest)."""
    pub, _, dessinees, _ = cartes_demo
    return pub, dessinees


def test_the_maps_go_on_their_theme_pages(cartes, tmp_path):
    pub, dessinees = cartes
    assert dessinees, "the demo has contours"
    sortie = tmp_path / "rapport.pdf"
    ecrire_rapport(sortie, pub, {}, dessinees)
    pages = _texte(sortie)
    lecteur = PdfReader(sortie)
    avec_carte = [k for k, page in enumerate(lecteur.pages) if page.images]
    assert 4 <= len(avec_carte) <= 6  # one map per theme page at most
    titres = {c.titre.translate(ESPACES) for c in dessinees}
    for k in avec_carte:
        assert "Ensemble de l'EPCI, dans et hors QPV" in pages[k]  # a theme page
        assert len(lecteur.pages[k].images) == 1
        assert any(re.sub(r"\s+", " ", t) in pages[k] for t in titres)  # its caption
    assert "ne comporte pas de carte" not in " ".join(pages)


def test_a_study_without_contours_gets_its_report_and_is_told_why(rapport):
    chemin, pages = rapport  # the export of a study whose referentiels/ has no contour
    assert "ce rapport ne comporte pas de carte" in " ".join(pages)
    assert not any(page.images for page in PdfReader(chemin).pages)
    assert (chemin.parent / "cartes" / "LISEZMOI.txt").is_file()


def test_the_commentary_is_printed_as_typed(cartes, tmp_path):
    pub, _ = cartes
    (tmp_path / "commentaires.md").write_text(
        "# Commentaires\n\n## Synthèse\nLe parc est #concentré* sur $deux communes_ [voir].\n\n"
        "Second paragraphe.\n\n## Emménagés récents\nLes attributions récentes <rajeunissent>.\n",
        encoding="utf-8",
    )
    commentaires = lire_commentaires(tmp_path)
    assert commentaires == {
        "synthese": ["Le parc est #concentré* sur $deux communes_ [voir].", "Second paragraphe."],
        "emmenages": ["Les attributions récentes <rajeunissent>."],
    }
    sortie = tmp_path / "rapport.pdf"
    ecrire_rapport(sortie, pub, commentaires)
    pages = _texte(sortie)
    (synthese,) = [p for p in pages if "L’essentiel" in p or "L'essentiel" in p]
    assert "Le parc est #concentré* sur $deux communes_ [voir]. Second paragraphe." in synthese
    (emmenages,) = [p for p in pages if "Les attributions récentes <rajeunissent>." in p]
    assert "Emménagés récents" in emmenages and "dans et hors QPV" in emmenages  # its theme


@pytest.mark.parametrize(
    "contenu, attendu",
    [
        ("Du texte sans titre\n", "ligne 1 : texte avant la première section"),
        ("## synthese\nA\n## logement\nB\n", "ligne 3 : section « logement » inconnue"),
        ("## age\nA\n## Âge\nB\n", "ligne 3 : la section « age » apparaît deux fois"),
    ],
)
def test_a_malformed_commentary_is_refused_with_its_line(tmp_path, contenu, attendu):
    (tmp_path / "commentaires.md").write_text(contenu, encoding="utf-8")
    with pytest.raises(ErreurFichier) as erreur:
        lire_commentaires(tmp_path)
    assert str(erreur.value).startswith("commentaires.md : " + attendu)


def test_a_commentary_not_in_utf8_is_refused(tmp_path):
    (tmp_path / "commentaires.md").write_bytes("## synthese\nTrès bien\n".encode("cp1252"))
    with pytest.raises(ErreurFichier, match="pas encodé en UTF-8"):
        lire_commentaires(tmp_path)


def test_the_demo_study_shows_where_the_commentary_goes(demo):
    commentaires = lire_commentaires(demo[0])
    assert set(commentaires) == {"synthese", "qpv", "emmenages", "conclusion"}
    assert commentaires["synthese"][0].startswith("Étude de démonstration")


def test_a_malformed_commentary_stops_the_build_before_dbt(demo, tmp_path):
    """`peuplement construire` reads commentaires.md first: a malformed file is refused with
    its name and line, exit code 2, no traceback, and dbt never starts (nothing built)."""
    import shutil

    from aides import peuplement

    from peuplement.protection.registre import Registre

    dossier = tmp_path / "etude"
    shutil.copytree(demo[0], dossier)
    avant = [e["operation"] for e in Registre(dossier).lire()]
    (dossier / "commentaires.md").write_text(
        "# Commentaires\n\n## sinthese\nUne faute de frappe.\n", encoding="utf-8"
    )
    sortie = peuplement("construire", "--etude", str(dossier))
    message = sortie.stdout + sortie.stderr
    assert sortie.returncode == 2, message[-2000:]
    assert "commentaires.md : ligne 3 : section « sinthese » inconnue" in message
    assert "Traceback" not in message
    assert not (dossier / "entrepot" / "dbt" / "target" / "run_results.json").exists()
    assert [e["operation"] for e in Registre(dossier).lire()] == avant  # no build recorded
