"""Canonical fields of every dataset the loader knows (OPS rows, RPLS, geography).

A landlord's header spellings and value spellings are data (dictionnaires/*.csv and the
landlord's correspondances.yml); this module only says which canonical fields exist, their
type, and which are required. Adding a landlord never touches it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Champ:
    nom: str
    libelle: str
    type: str = "texte"  # texte | entier | decimal | date | code | liste_entiers
    colonne_obligatoire: bool = False
    valeur_obligatoire: bool = False
    variable: str | None = None  # code list used by type "code"
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Jeu:
    """A kind of input file: where it comes from, its fields and the raw table it lands in."""

    nom: str
    libelle: str
    table: str
    champs: tuple[Champ, ...]
    cle: str  # field identifying a row: duplicates of it are quarantined

    def champ(self, nom: str) -> Champ:
        for c in self.champs:
            if c.nom == nom:
                return c
        raise KeyError(nom)

    @property
    def noms(self) -> list[str]:
        return [c.nom for c in self.champs]


def _entier(nom: str, libelle: str, maximum: float = 30, **kw) -> Champ:
    return Champ(nom, libelle, "entier", minimum=0, maximum=maximum, **kw)


OPS = Jeu(
    nom="ops",
    libelle="fichier d'occupation (OPS) d'un bailleur",
    table="ops_lignes",
    cle="id_logement_bailleur",
    champs=(
        Champ(
            "id_logement_bailleur",
            "identifiant logement du bailleur",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
        ),
        Champ("id_rpls", "identifiant RPLS du logement"),
        Champ("programme", "code programme / résidence"),
        Champ("commune", "code INSEE de la commune"),
        Champ(
            "occupation",
            "occupation du logement",
            "code",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
            variable="occupation",
        ),
        Champ(
            "repondu", "réponse à l'enquête", "code", colonne_obligatoire=True, variable="oui_non"
        ),
        Champ(
            "situation_familiale",
            "situation familiale",
            "code",
            colonne_obligatoire=True,
            variable="situation_familiale",
        ),
        _entier("nb_occupants", "nombre total d'occupants", colonne_obligatoire=True),
        _entier("nb_enfants", "nombre d'enfants"),
        Champ("age_titulaire", "âge du titulaire du bail", "entier", minimum=16, maximum=115),
        Champ("ages_occupants", "âges des occupants", "liste_entiers", minimum=0, maximum=115),
        _entier("nb_moins_18", "nombre d'occupants de moins de 18 ans"),
        _entier("nb_18_24", "nombre d'occupants de 18 à 24 ans"),
        _entier("nb_25_64", "nombre d'occupants de 25 à 64 ans"),
        _entier("nb_65_plus", "nombre d'occupants de 65 ans ou plus"),
        Champ(
            "revenu_plafond",
            "position du revenu par rapport aux plafonds HLM",
            "code",
            variable="revenu_plafond",
        ),
        Champ(
            "revenu_pct_plafond", "revenu en % du plafond HLM", "decimal", minimum=0, maximum=1000
        ),
        _entier("nb_emploi_stable", "nombre de majeurs en emploi stable"),
        _entier("nb_emploi_precaire", "nombre de majeurs en emploi précaire"),
        _entier("nb_chomeurs", "nombre de majeurs au chômage"),
        _entier("nb_sans_emploi", "nombre de majeurs sans emploi (inactifs)"),
        Champ("apl", "bénéficiaire de l'APL", "code", variable="oui_non"),
        Champ("emmenage_recent", "emménagé depuis moins de 2 ans", "code", variable="oui_non"),
        Champ("date_emmenagement", "date d'emménagement", "date"),
    ),
)

RPLS = Jeu(
    nom="rpls",
    libelle="répertoire RPLS (logements sociaux)",
    table="rpls_logements",
    cle="id_rpls",
    champs=(
        Champ(
            "id_rpls",
            "identifiant RPLS du logement",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
        ),
        Champ(
            "depcom", "code INSEE de la commune", colonne_obligatoire=True, valeur_obligatoire=True
        ),
        Champ("libcom", "libellé de la commune"),
        Champ("epci_code", "code de l'EPCI"),
        Champ("qpv_code", "code QPV (liste 2024)"),
        Champ("plg_qp15", "QPV de la liste 2015"),
        Champ("plg_qp24", "QPV de la liste 2024"),
        Champ("plg_iris", "code IRIS"),
        Champ("typeconst", "type de construction"),
        Champ("nbpiece", "nombre de pièces", "entier", minimum=1, maximum=20),
        Champ("surfhab", "surface habitable", "decimal", minimum=0, maximum=1000),
        Champ("construct", "année de construction", "entier", minimum=1800, maximum=2100),
        Champ("finan", "code de financement"),
        Champ("codsegpatrim", "segment de patrimoine"),
        Champ("libsegpatrim", "libellé du segment de patrimoine"),
        Champ("numvoie", "numéro de voie"),
        Champ("typvoie", "type de voie"),
        Champ("nomvoie", "nom de voie"),
    ),
)

COMMUNES = Jeu(
    nom="communes",
    libelle="référentiel des communes",
    table="geo_communes",
    cle="code_commune",
    champs=(
        Champ(
            "code_commune",
            "code INSEE de la commune",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
        ),
        Champ(
            "libelle_commune",
            "libellé de la commune",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
        ),
        Champ("code_epci", "code de l'EPCI", colonne_obligatoire=True, valeur_obligatoire=True),
        Champ("libelle_epci", "libellé de l'EPCI"),
    ),
)

IRIS = Jeu(
    nom="iris",
    libelle="référentiel des IRIS",
    table="geo_iris",
    cle="code_iris",
    champs=(
        Champ("code_iris", "code IRIS", colonne_obligatoire=True, valeur_obligatoire=True),
        Champ("libelle_iris", "libellé de l'IRIS", colonne_obligatoire=True),
        Champ(
            "code_commune",
            "code INSEE de la commune",
            colonne_obligatoire=True,
            valeur_obligatoire=True,
        ),
    ),
)

QPV = Jeu(
    nom="qpv",
    libelle="référentiel des quartiers prioritaires (QPV)",
    table="geo_qpv",
    cle="code_qpv",
    champs=(
        Champ("code_qpv", "code QPV", colonne_obligatoire=True, valeur_obligatoire=True),
        Champ("libelle_qpv", "libellé du QPV", colonne_obligatoire=True),
        Champ("code_commune", "code INSEE de la commune principale"),
        Champ("liste_qpv", "liste QPV (2015 ou 2024)"),
    ),
)

QUARTIERS = Jeu(
    nom="quartiers",
    libelle="quartiers définis par l'EPCI (groupes d'IRIS)",
    table="geo_quartiers",
    cle="code_iris",
    champs=(
        Champ("code_iris", "code IRIS", colonne_obligatoire=True, valeur_obligatoire=True),
        Champ(
            "code_quartier", "code du quartier", colonne_obligatoire=True, valeur_obligatoire=True
        ),
        Champ("libelle_quartier", "libellé du quartier", colonne_obligatoire=True),
    ),
)

JEUX: dict[str, Jeu] = {j.nom: j for j in (OPS, RPLS, COMMUNES, IRIS, QPV, QUARTIERS)}

# Reference datasets, in load order (RPLS before OPS so that OPS rows can be checked against it).
REFERENTIELS = ("communes", "iris", "qpv", "quartiers", "rpls")
