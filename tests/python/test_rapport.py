"""The CIL report (PDF), read back as a CIL member would: its text extracted with pypdf and every
figure compared with the mart; no hidden value printed; the analyst's commentary printed as
typed; maps slotted in on the theme pages when the study has some."""

import re
import struct
import zlib

import duckdb
import pytest
from pypdf import PdfReader

from peuplement.erreurs import ErreurFichier
from peuplement.exports.commentaires import lire_commentaires
from peuplement.exports.donnees import lire
from peuplement.exports.rapport import Carte, ecrire_rapport

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
            "select maille, code_zone, indicateur, statut, type, numerateur, valeur "
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


def _png(chemin, largeur=40, hauteur=30):
    """A small valid PNG (a red square), written by hand: no imaging library needed."""
    brut = b"".join(b"\x00" + b"\xcc\x22\x22" * largeur for _ in range(hauteur))

    def bloc(nom, donnees):
        return (
            struct.pack(">I", len(donnees))
            + nom
            + donnees
            + struct.pack(">I", zlib.crc32(nom + donnees) & 0xFFFFFFFF)
        )

    entete = struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0)
    chemin.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(brut))
        + bloc(b"IEND", b"")
    )
    return chemin


def _publication(base):
    con = duckdb.connect(str(base), read_only=True)
    relations = {
        nom: con.sql(f"select * from {schema}.{nom}")
        for schema, nom in (
            ("marts", "fct_indicateurs"),
            ("marts", "dim_zones"),
            ("marts", "dim_indicateurs"),
            ("staging", "stg_etude__parametres"),
            ("staging", "stg_bailleurs__bailleurs"),
            ("intermediate", "int_secret__audit"),
        )
    }
    return lire(relations)


def test_commentary_and_maps_find_their_place(release, rapport, tmp_path):
    pub = _publication(release[0])
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
    carte = Carte(
        "iris", "part_apl", "Ménages aidés au logement par IRIS", _png(tmp_path / "apl.png")
    )
    sortie = tmp_path / "rapport.pdf"
    ecrire_rapport(sortie, pub, commentaires, [carte])
    pages = _texte(sortie)
    texte = " ".join(pages)
    assert "Le parc est #concentré* sur $deux communes_ [voir]." in texte  # never markup
    assert "Les attributions récentes <rajeunissent>." in texte
    (page_ressources,) = [p for p in pages if "Ressources des ménages Ressources" in p]
    numero = pages.index(page_ressources)
    assert "Ménages aidés au logement par IRIS" in page_ressources
    assert len(PdfReader(sortie).pages[numero].images) == 1
    assert "ne comporte pas de carte" not in texte
    # the demo export has no map: it says so once, in the methodology
    assert "ne comporte pas de carte" in " ".join(rapport[1])


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
