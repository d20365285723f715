"""Statistical secrecy inside `dbt build`, on the synthetic study: the release audits clean,
every published row obeys the primary rules, and an unsafe release stops the build before the
marts the exports read."""

import json
import shutil

import duckdb
from aides import dbt


def _copie(entrepot_construit, tmp_path):
    copie = tmp_path / "entrepot.duckdb"
    shutil.copy(entrepot_construit[0], copie)
    return copie


def _statuts(run_results) -> dict[str, str]:
    resultats = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in resultats}


def test_the_demo_release_audits_clean_and_hides_what_it_must(entrepot_construit):
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    verdicts = dict(
        con.execute(
            "select verdict, count(*) from intermediate.int_secret__audit group by 1"
        ).fetchall()
    )
    assert verdicts.get("ok", 0) > 100 and set(verdicts) == {"ok"}, verdicts
    statuts = dict(
        con.execute("select statut, count(*) from marts.fct_indicateurs group by 1").fetchall()
    )
    assert statuts["publie"] > 0 and statuts["s"] > 0, statuts
    # hidden rows carry no value; published rows keep theirs
    fuites = con.execute(
        "select count(*) from marts.fct_indicateurs where statut <> 'publie' "
        "and coalesce(numerateur, denominateur, valeur) is not null"
    ).fetchone()[0]
    assert fuites == 0
    # every small count below 11 in the true values is hidden, unless public (dwellings and
    # their occupancy, from the RPLS)
    petites_publiees = con.execute(
        "select count(*) from marts.fct_indicateurs f join intermediate.int_indicateurs__long v "
        "using (millesime, maille, code_zone, bailleur, indicateur) "
        "where f.statut = 'publie' and v.numerateur < 11 and f.indicateur not in "
        "('nb_logements', 'part_loues', 'part_vacants', 'part_loues_tiers')"
    ).fetchone()[0]
    assert petites_publiees == 0
    # secondaries exist: primaries alone would be recovered by subtraction
    secondaires = con.execute(
        "select count(*) from intermediate.int_secret__statuts where statut = 'secondaire'"
    ).fetchone()[0]
    assert secondaires > 0
    mailles = {m for (m,) in con.execute("select maille from marts.fct_secret_synthese").fetchall()}
    assert mailles == {"epci", "epci_qpv", "commune", "commune_qpv", "qpv", "iris", "quartier", "residence"}


def test_the_dominant_landlord_rule_bears_on_the_others_units_together(entrepot_construit):
    """An `ensemble` cell is primary by the dominant-landlord rule when the landlords other
    than the biggest hold, together, 1 to 10 units (the biggest would recover their sum by
    difference); others holding 11 or more together (5 + 6) teach it a count of at least 11:
    not sensitive by this rule. Recomputed here from the elementary cells."""
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    (flagged_with_11_others, unflagged_small_others, second_small_others_large) = con.execute(
        """
        with parts as (
            select a.maille, a.code_zone, b.bailleur, b.code_variable, sum(b.valeur) as valeur
            from intermediate.int_secret__appartenances as a
            inner join intermediate.int_secret__cellules_base as b using (id_cellule)
            group by all
            having sum(b.valeur) > 0
        ),
        dominance as (
            select maille, code_zone, code_variable, count(*) as presents,
                sum(valeur) - max(valeur) as autres,
                list_sort(list(valeur), 'DESC')[2] as second
            from parts group by all
        ),
        ensemble as (
            select c.*, d.presents, d.autres, d.second
            from intermediate.int_secret__cellules as c
            inner join dominance as d using (maille, code_zone, code_variable)
            where c.bailleur = 'ensemble' and d.presents >= 2
        )
        select
            count(*) filter (where motif_primaire = 'bailleur_dominant' and autres >= 11),
            count(*) filter (
                where autres < 11 and coalesce(motif_primaire, 'aucun')
                not in ('bailleur_dominant', 'publique', 'non_disponible', 'reponse_insuffisante',
                    'zone_trop_petite', 'effectif_faible', 'complement_faible')
            ),
            count(*) filter (where second < 11 and autres >= 11)
        from ensemble
        """
    ).fetchone()
    # the demo has such cells (several small landlords), and none is primary by this rule
    assert second_small_others_large > 0
    assert flagged_with_11_others == 0
    # every cell whose others hold 1 to 10 units together is primary (by this rule or another)
    assert unflagged_small_others == 0


def test_a_low_response_row_hiding_a_small_count_is_still_protected(entrepot_construit):
    """A row `nd` for its low response rate whose count is also sensitive (1 to 10 households)
    is not merely left out: were it free, its value would follow from the published rows around
    it (an `ensemble` minus its published landlords). It is a primary of the model, shown `nd`,
    and the audit checks it against the outsider and every landlord."""
    con = duckdb.connect(str(entrepot_construit[0]), read_only=True)
    # each with the landlords of its elementary cells: a landlord holding them all knows it
    lignes = con.execute(
        """
        select s.cellule_modele, any_value(s.statut), list(distinct b.bailleur)
        from intermediate.int_secret__statuts as s
        inner join intermediate.int_secret__appartenances as a using (maille, code_zone)
        inner join intermediate.int_secret__cellules_base as b
            on a.id_cellule = b.id_cellule and b.code_variable = s.code_variable
            and (s.bailleur = 'ensemble' or b.bailleur = s.bailleur)
        where s.motif = 'reponse_insuffisante' and s.valeur between 1 and 10
        group by s.millesime, s.maille, s.code_zone, s.bailleur, s.code_variable, s.cellule_modele
        """
    ).fetchall()
    assert lignes, "the demo has small counts in low-response rows"
    assert {statut for _, statut, _ in lignes} == {"primaire"}
    lecteurs = {
        lecteur for (lecteur,) in con.execute(
            "select distinct lecteur from intermediate.int_secret__audit"
        ).fetchall()
    }
    verdicts = dict(
        con.execute(
            "select cible, list(distinct lecteur order by lecteur) from intermediate.int_secret__audit "
            "where verdict = 'ok' group by cible"
        ).fetchall()
    )
    for cellule, _, bailleurs in lignes:
        lecteurs_de = lecteurs - set(bailleurs) if len(bailleurs) == 1 else lecteurs
        assert set(verdicts.get(cellule, ())) == lecteurs_de, cellule
    # the lines counting them are published `nd`, with its reason, never `s`
    marques = con.execute(
        "select distinct f.statut, f.motif_nd from marts.fct_indicateurs as f "
        "inner join referentiel.indicateurs as i using (indicateur) "
        "inner join intermediate.int_secret__statuts as s "
        "on s.millesime = f.millesime and s.maille = f.maille and s.code_zone = f.code_zone "
        "and s.bailleur = f.bailleur and s.code_variable = replace(i.numerateur, ' ', '') "
        "where s.motif = 'reponse_insuffisante' and s.valeur between 1 and 10"
    ).fetchall()
    assert marques == [("nd", "reponse_insuffisante")], marques


def test_an_unsafe_release_fails_the_build_and_skips_the_marts(audit_en_echec):
    """Primary suppression only (no secondaries): the audit must find cells recovered by
    subtraction, fail its test, and dbt must skip fct_indicateurs and everything after it
    (the build, from int_secret__parametres on with --store-failures: conftest)."""
    dossier, sortie, _ = audit_en_echec
    assert sortie.returncode == 1, sortie.stdout[-3000:]
    statuts = _statuts(dossier / "entrepot" / "dbt" / "target" / "run_results.json")
    assert statuts["audit_secret_reussi"] == "fail"
    assert statuts["fct_indicateurs"] == "skipped"
    assert statuts["fct_secret_synthese"] == "skipped"
    copie = dossier / "entrepot" / "peuplement.duckdb"
    con = duckdb.connect(str(copie), read_only=True)
    explication = con.execute(
        "select explication from "
        + con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'audit_secret_reussi%'"
        ).fetchone()[0]
        + " limit 1"
    ).fetchone()[0]
    assert explication.startswith(("Lecteur extérieur, cible ", "Bailleur "))
    assert "l'attaquant établit [" in explication


def test_the_rule_test_catches_a_small_count_published(entrepot_construit, tmp_path):
    """Tamper with the mart: publish a row whose true count is below 11. The rule test, which
    re-reads the true values, must name it."""
    copie = _copie(entrepot_construit, tmp_path)
    con = duckdb.connect(str(copie))
    maille, zone, bailleur, indicateur = con.execute(
        "select maille, code_zone, bailleur, indicateur from intermediate.int_indicateurs__long "
        "where numerateur between 1 and 10 and type = 'part' and maille = 'commune' "
        "and indicateur not in ('part_loues', 'part_vacants', 'part_loues_tiers') "  # public
        "order by all limit 1"
    ).fetchone()
    con.execute(
        "update marts.fct_indicateurs set statut = 'publie' where maille = ? and code_zone = ? "
        "and bailleur = ? and indicateur = ?",
        [maille, zone, bailleur, indicateur],
    )
    con.close()
    sortie = dbt(
        ["test", "--store-failures", "--select", "regles_secret_respectees"], copie, tmp_path
    )
    assert sortie.returncode == 1, sortie.stdout[-3000:]
    con = duckdb.connect(str(copie), read_only=True)
    table = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name like 'regles_secret_respectees%'"
    ).fetchone()[0]
    explications = [e for (e,) in con.execute(f"select explication from {table}").fetchall()]
    assert len(explications) == 1, explications
    assert explications[0].startswith(
        f"Zone {maille} {zone}, bailleur {bailleur}, {indicateur} : publiée alors que "
    )


def test_a_study_without_employment_columns_builds_and_marks_them_not_available(
    entrepot_construit, tmp_path
):
    """No landlord supplies the employment columns: those indicators are zero everywhere, not
    secrets. The build passes; their rows are `nd` (`non_disponible`), and no audit target bears
    on them."""
    copie = _copie(entrepot_construit, tmp_path)
    con = duckdb.connect(str(copie))
    autres_avant = con.execute(_AUTRES_NON_DISPONIBLES).fetchone()[0]
    con.execute(
        "update raw.ops_lignes set nb_emploi_stable = null, nb_emploi_precaire = null, "
        "nb_chomeurs = null, nb_sans_emploi = null"
    )
    con.close()
    sortie = dbt(["build"], copie, tmp_path)
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    con = duckdb.connect(str(copie), read_only=True)
    marques = con.execute(
        "select distinct statut, motif_nd from marts.fct_indicateurs "
        "where indicateur in ('part_menages_sans_emploi_stable', 'part_majeurs_chomeurs')"
    ).fetchall()
    assert marques == [("nd", "non_disponible")], marques
    cibles = con.execute(
        "select count(*) from intermediate.int_secret__audit where code_variable in "
        "('sans_emploi_stable', 'activite_connue', 'nb_majeurs_chomeurs', 'nb_majeurs_classes')"
    ).fetchone()[0]
    assert cibles == 0
    # the other indicators are untouched by the missing columns
    assert con.execute(_AUTRES_NON_DISPONIBLES).fetchone()[0] == autres_avant


_AUTRES_NON_DISPONIBLES = (
    "select count(*) from marts.fct_indicateurs where motif_nd = 'non_disponible'"
    " and indicateur not in ('part_menages_sans_emploi_stable', 'part_majeurs_chomeurs')"
)
