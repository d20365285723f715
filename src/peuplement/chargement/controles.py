"""Row checks, as SQL over the batch of one file (temporary table _lot).

Each check yields anomalies (ligne, gravite, code_raison, champ, valeur, message). A row with a
'rejet' anomaly is quarantined; an 'avertissement' is reported and the row is loaded.
The French message names the row, the column as the landlord wrote it, and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Champ, Jeu
from .dictionnaire import codes_par_variable

REJET = "rejet"
AVERTISSEMENT = "avertissement"

RAISONS = {
    "VALEUR_MANQUANTE": "valeur obligatoire absente",
    "NOMBRE_INVALIDE": "nombre illisible",
    "HORS_BORNES": "valeur hors des bornes plausibles",
    "DATE_INVALIDE": "date illisible",
    "CODE_INCONNU": "valeur non reconnue (occupation : quarantaine ; autre variable : laissée vide)",
    "DOUBLON": "logement en double",
    "INCOHERENCE": "valeurs incohérentes entre elles",
    "DENSITE_IMPROBABLE": "nombre d'occupants improbable pour le nombre de pièces",
    "RPLS_MANQUANT": "identifiant RPLS absent (avertissement)",
    "ABSENT_RPLS": "identifiant absent du RPLS (avertissement)",
    "DATE_POSTERIEURE": "date postérieure à la date de référence (avertissement)",
    "ACTIVITE_INCOHERENTE": "plus d'actifs déclarés que de majeurs (avertissement)",
    "COMMUNE_PAR_NOM": "commune donnée par son nom (ou sans son zéro initial), lue comme son code",
    "COMMUNE_INCONNUE": "commune absente des référentiels : laissée vide",
    "LOGEMENT_NON_SITUE": "ni identifiant trouvé dans le RPLS ni commune connue",
}

# Anomalies of an optional field that empty it for the row (the row is kept): an unknown value
# never costs the dwelling. For a required field (identity, occupation) the same codes reject.
VIDANTES = ("CODE_INCONNU", "NOMBRE_INVALIDE", "DATE_INVALIDE", "COMMUNE_INCONNUE")
VIDEE = " : valeur laissée vide, logement conservé"

ENTIER = r"\s*\+?\d+([.,]0+)?\s*"


def q(texte: str) -> str:
    """SQL string literal."""
    return "'" + str(texte).replace("'", "''") + "'"


def sql_nombre(expr: str) -> str:
    """A number written with a decimal point or comma (NULL when unreadable)."""
    return f"try_cast(replace(replace({expr}, ' ', ''), ',', '.') as double)"


def sql_entier(expr: str) -> str:
    """The integer value of a cell that holds an integer (3, 3.0, '3,0'), NULL otherwise."""
    return f"(case when {sql_nombre(expr)} = floor({sql_nombre(expr)}) then {sql_nombre(expr)}::bigint end)"


def sql_decimal(expr: str) -> str:
    return sql_nombre(expr)


def sql_date(expr: str) -> str:
    """ISO, dd/mm/yyyy, ISO with time, or an Excel serial number."""
    return (
        f"coalesce(try_strptime({expr}, '%Y-%m-%d')::date, "
        f"try_strptime({expr}, '%d/%m/%Y')::date, try_strptime({expr}, '%d-%m-%Y')::date, "
        f"try_strptime({expr}, '%Y-%m-%d %H:%M:%S')::date, "
        f"case when {sql_entier(expr)} between 10000 and 109574 "
        f"then date '1899-12-30' + {sql_entier(expr)}::integer end)"
    )


def typee(champ: Champ, alias: str = "") -> str | None:
    """Name of the typed twin of a field in _lot (integer, number, date or canonical code)."""
    prefixe = {"entier": "n__", "decimal": "n__", "date": "t__", "code": "c__"}.get(champ.type)
    return f"{alias}{prefixe}{champ.nom}" if prefixe else None


def expression_typee(champ: Champ) -> str | None:
    """SQL of the parsed value of a typed field (integer, number or date) from its text; None
    for the other fields (the codes of coded fields, c__<field>, are computed by the loader from
    the value dictionary). A function of the text alone: NULL gives NULL."""
    if champ.type == "entier":
        return sql_entier(champ.nom)
    if champ.type == "decimal":
        return sql_decimal(champ.nom)
    if champ.type == "date":
        return sql_date(champ.nom)
    return None


@dataclass
class Contexte:
    jeu: Jeu
    libelles: dict[str, str]  # field -> header as written in the file
    fichier_config: str
    date_reference: str
    occupants_par_piece: int = 3
    marge_occupants: int = 3
    rpls_disponible: bool = False
    autres_lignes: str | None = None  # SQL of the same source's rows kept from other files


def _anomalie(
    ctx: Contexte,
    champ: str | None,
    gravite: str,
    code: str,
    condition: str,
    message: str,
    valeur: str | None = None,
) -> str:
    colonne = q(ctx.libelles.get(champ, champ)) if champ else "null"
    valeur = valeur or (champ if champ else "null")
    return (
        f"select ligne, {q(gravite)} as gravite, {q(code)} as code_raison, "
        f"{q(champ) if champ else 'null'} as champ, {colonne} as colonne_source, "
        f"{valeur}::varchar as valeur, {message} as message from _lot where {condition}"
    )


def _prefixe(ctx: Contexte, champ: str, alias: str = "") -> str:
    colonne = q(ctx.libelles.get(champ, champ))
    return f"'ligne ' || {alias}ligne || ', colonne « ' || {colonne} || ' » : '"


def _controles_champ(ctx: Contexte, c: Champ) -> list[str]:
    f = c.nom
    p = _prefixe(ctx, f)
    val = f"'« ' || {f} || ' »'"
    # unreadable or unknown: rejected for a required value, else emptied with a warning
    illisible = REJET if c.valeur_obligatoire else AVERTISSEMENT
    suite = "" if c.valeur_obligatoire else VIDEE
    bornes = f"entre {c.minimum:g} et {c.maximum:g}" if c.minimum is not None else ""
    sorties = []
    if c.valeur_obligatoire:
        sorties.append(
            _anomalie(
                ctx,
                f,
                REJET,
                "VALEUR_MANQUANTE",
                f"{f} is null",
                f"{p} || {q(f'valeur obligatoire absente ({c.libelle})')}",
            )
        )
    if c.type in ("entier", "decimal"):
        nature = "un nombre entier" if c.type == "entier" else "un nombre"
        sorties.append(
            _anomalie(
                ctx,
                f,
                illisible,
                "NOMBRE_INVALIDE",
                f"{f} is not null and {typee(c)} is null",
                f"{p} || {val} || {q(f' n’est pas {nature} (attendu : {c.libelle}, {bornes}){suite}')}",
            )
        )
        sorties.append(
            _anomalie(
                ctx,
                f,
                REJET,
                "HORS_BORNES",
                f"{typee(c)} not between {c.minimum:g} and {c.maximum:g}",
                f"{p} || {val} || {q(f' hors bornes (attendu : {bornes})')}",
            )
        )
    elif c.type == "liste_entiers":
        motif = f"({ENTIER};)*{ENTIER}"
        sorties.append(
            _anomalie(
                ctx,
                f,
                illisible,
                "NOMBRE_INVALIDE",
                f"{f} is not null and not regexp_full_match({f}, {q(motif)})",
                f"{p} || {val} || {q(' : chaque âge doit être un nombre entier' + suite)}",
            )
        )
        maxi = f"list_max(list_transform(string_split({f}, ';'), x -> {sql_entier('x')}))"
        sorties.append(
            _anomalie(
                ctx,
                f,
                REJET,
                "HORS_BORNES",
                f"{maxi} > {c.maximum:g}",
                f"{p} || {val} || {q(f' : âge hors bornes (attendu : {bornes})')}",
            )
        )
    elif c.type == "date":
        sorties.append(
            _anomalie(
                ctx,
                f,
                illisible,
                "DATE_INVALIDE",
                f"{f} is not null and {typee(c)} is null",
                f"{p} || {val} || {q(' n’est pas une date (attendu : JJ/MM/AAAA, AAAA-MM-JJ ou date Excel)' + suite)}",
            )
        )
        sorties.append(
            _anomalie(
                ctx,
                f,
                AVERTISSEMENT,
                "DATE_POSTERIEURE",
                f"{typee(c)} > date {q(ctx.date_reference)}",
                f"{p} || {val} || {q(f' est postérieure à la date de référence {ctx.date_reference}')}",
            )
        )
    elif c.type == "code":
        attendus = ", ".join(codes_par_variable()[c.variable].values())
        sorties.append(
            _anomalie(
                ctx,
                f,
                illisible,
                "CODE_INCONNU",
                f"{f} is not null and {typee(c)} is null",
                f"{p} || {val} || {q(f' non reconnue pour « {c.libelle} » ; valeurs attendues : {attendus} ; sinon ajoutez la correspondance dans {ctx.fichier_config} (valeurs: {f}:){suite}')}",
            )
        )
    return sorties


def _controles_doublons(ctx: Contexte) -> list[str]:
    cle = ctx.jeu.cle
    p = _prefixe(ctx, cle)
    sorties = [
        f"select ligne, {q(REJET)}, 'DOUBLON', {q(cle)}, {q(ctx.libelles.get(cle, cle))}, {cle}, "
        f"{p} || '« ' || {cle} || ' » figure déjà ligne ' || premiere || ' de ce fichier' "
        f"from (select ligne, {cle}, min(ligne) over (partition by {cle}) as premiere, "
        f"row_number() over (partition by {cle} order by ligne) as rang from _lot "
        f"where {cle} is not null) where rang > 1"
    ]
    if ctx.autres_lignes:
        sorties.append(
            f"select l.ligne, {q(REJET)}, 'DOUBLON', {q(cle)}, {q(ctx.libelles.get(cle, cle))}, "
            f"l.{cle}, {_prefixe(ctx, cle, 'l.')} || '« ' || l.{cle} || ' » figure déjà dans « ' "
            f"|| a.fichier || ' » ligne ' || a.ligne_source from _lot l "
            f"join ({ctx.autres_lignes}) a on a.{cle} = l.{cle}"
        )
    return sorties


def _controles_ops(ctx: Contexte) -> list[str]:
    """Rules of the OPS survey itself."""
    colonnes = set(ctx.libelles)
    sorties = []
    if "repondu" in colonnes:
        sorties.append(
            _anomalie(
                ctx,
                "repondu",
                REJET,
                "VALEUR_MANQUANTE",
                "c__occupation = 'loue' and c__repondu is null and repondu is null",
                f"{_prefixe(ctx, 'repondu')} || 'valeur absente alors que le logement est loué à un ménage (attendu : oui ou non)'",
            )
        )
    if {"nb_enfants", "nb_occupants"} <= colonnes:
        enf, occ = "n__nb_enfants", "n__nb_occupants"
        sorties.append(
            _anomalie(
                ctx,
                "nb_enfants",
                REJET,
                "INCOHERENCE",
                f"{occ} > 0 and {enf} >= {occ}",
                f"{_prefixe(ctx, 'nb_enfants')} || {enf} || ' enfant(s) pour ' || {occ} "
                "|| ' occupant(s) : le nombre d’enfants doit être inférieur au nombre d’occupants'",
            )
        )
    actifs = [
        c
        for c in ("nb_emploi_stable", "nb_emploi_precaire", "nb_chomeurs", "nb_sans_emploi")
        if c in colonnes
    ]
    if actifs and {"nb_enfants", "nb_occupants"} <= colonnes:
        somme = " + ".join(f"coalesce(n__{c}, 0)" for c in actifs)
        majeurs = "(n__nb_occupants - coalesce(n__nb_enfants, 0))"
        sorties.append(
            _anomalie(
                ctx,
                actifs[0],
                AVERTISSEMENT,
                "ACTIVITE_INCOHERENTE",
                f"{somme} > {majeurs}",
                f"'ligne ' || ligne || ' : ' || ({somme}) || ' majeur(s) classé(s) par activité pour ' "
                f"|| {majeurs} || ' majeur(s) dans le ménage'",
            )
        )
    if "id_rpls" in colonnes:
        sorties.append(
            _anomalie(
                ctx,
                "id_rpls",
                AVERTISSEMENT,
                "RPLS_MANQUANT",
                "id_rpls is null",
                f"{_prefixe(ctx, 'id_rpls')} || 'identifiant RPLS absent : le logement sera rattaché à la "
                "commune déclarée par le bailleur'",
            )
        )
        if ctx.rpls_disponible:
            sorties.append(
                _anomalie(
                    ctx,
                    "id_rpls",
                    AVERTISSEMENT,
                    "ABSENT_RPLS",
                    "id_rpls is not null and id_rpls not in (select id_rpls from raw.rpls_logements)",
                    f"{_prefixe(ctx, 'id_rpls')} || '« ' || id_rpls || ' » absent du référentiel RPLS chargé'",
                )
            )
            if "nb_occupants" in colonnes:
                pieces = sql_entier("r.nbpiece")
                occ = "l.n__nb_occupants"
                sorties.append(
                    f"select l.ligne, {q(REJET)}, 'DENSITE_IMPROBABLE', 'nb_occupants', "
                    f"{q(ctx.libelles['nb_occupants'])}, l.nb_occupants, "
                    f"{_prefixe(ctx, 'nb_occupants', 'l.')} || {occ} || "
                    f"' occupant(s) pour ' || {pieces} || ' pièce(s) selon le RPLS : au-delà de "
                    f"{ctx.occupants_par_piece} par pièce + {ctx.marge_occupants}, la ligne est "
                    f"jugée erronée (seuil : controles dans etude.yml)' "
                    f"from _lot l join raw.rpls_logements r on r.id_rpls = l.id_rpls "
                    f"where {occ} > {pieces} * {ctx.occupants_par_piece} + {ctx.marge_occupants}"
                )
    return sorties


def requete_anomalies(ctx: Contexte) -> str:
    """One SQL query listing every anomaly of the batch."""
    parties: list[str] = []
    for champ in ctx.jeu.champs:
        if champ.nom in ctx.libelles:  # a missing required column was refused earlier
            parties.extend(_controles_champ(ctx, champ))
    parties.extend(_controles_doublons(ctx))
    if ctx.jeu.nom == "ops":
        parties.extend(_controles_ops(ctx))
    return "\nunion all\n".join(parties)
