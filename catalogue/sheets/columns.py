"""The columns of the catalogue's spreadsheets: the only place that says which exist.

Every export writes these columns and every import reads them, so that exporting a list and
importing the file back changes nothing (docs/import-export.md). Headers are part of the
file format, in French, and are matched on import without regard to case, accents or
spacing.
"""

from django.utils.translation import gettext_lazy

# Examples: the columns an import reads, in the order an export writes them.
REFERENCE = "Référence"
TITLE = "Titre"
SUMMARY = "Résumé"
DESCRIPTION = "Description"
STATUS = "Statut"
TERRITORY = "Territoire"
SCALE = "Échelle"
START_YEAR = "Année de début"
END_YEAR = "Année de fin"
DOMAINS = "Domaines"
ODD = "ODD"
ALLIANCE = "Objectifs d'alliance"
PARTNERSHIP_TYPES = "Types de partenariat"
PARTNERS = "Partenaires"
WEBSITE = "Site web"
# Written by exports, ignored by imports.
TERRITORY_NAME = "Nom du territoire"
INSEE_CODE = "Code INSEE"
DEPARTEMENT = "Département"
REGION = "Région"
ACTOR_TYPES = "Types d'acteurs"
PUBLIC_LINK = "Lien public"
UPDATED_AT = "Modifié le"

EXAMPLE_IMPORT_COLUMNS = [
    REFERENCE, TITLE, SUMMARY, DESCRIPTION, STATUS, TERRITORY, SCALE, START_YEAR, END_YEAR,
    DOMAINS, ODD, ALLIANCE, PARTNERSHIP_TYPES, PARTNERS, WEBSITE,
]  # fmt: skip
# Where the territory lies, for pivot tables: its INSEE code, département and région.
PLACE_COLUMNS = [INSEE_CODE, DEPARTEMENT, REGION]
EXAMPLE_READ_ONLY_COLUMNS = [TERRITORY_NAME, *PLACE_COLUMNS, ACTOR_TYPES, PUBLIC_LINK, UPDATED_AT]
EXAMPLE_COLUMNS = EXAMPLE_IMPORT_COLUMNS + EXAMPLE_READ_ONLY_COLUMNS
EXAMPLE_REQUIRED_COLUMNS = [TITLE, TERRITORY, START_YEAR]

# Actors: their own sheet. « Identifiant » (the actor's slug) plays the part of Référence.
IDENTIFIER = "Identifiant"
NAME = "Nom"
ACTOR_TYPE = "Type d'acteur"
SIREN = "SIREN"
RNA = "RNA"
ACTOR_IMPORT_COLUMNS = [IDENTIFIER, NAME, ACTOR_TYPE, SIREN, RNA, WEBSITE, TERRITORY]
ACTOR_READ_ONLY_COLUMNS = [TERRITORY_NAME, *PLACE_COLUMNS, PUBLIC_LINK, UPDATED_AT]
ACTOR_COLUMNS = ACTOR_IMPORT_COLUMNS + ACTOR_READ_ONLY_COLUMNS
ACTOR_REQUIRED_COLUMNS = [NAME, ACTOR_TYPE]

# What each column of an examples export means (the "À propos" sheet of public exports).
EXAMPLE_COLUMN_MEANINGS = {
    REFERENCE: gettext_lazy(
        "Identifiant stable de l'exemple (IA-00042) ; vide à l'import pour créer."
    ),
    TITLE: gettext_lazy("Titre de l'exemple."),
    SUMMARY: gettext_lazy("Résumé en quelques phrases."),
    DESCRIPTION: gettext_lazy("Description complète."),
    STATUS: gettext_lazy("Brouillon, Publié ou Archivé."),
    TERRITORY: gettext_lazy(
        "Territoire principal : son nom (Lille), avec son département ou son niveau s'il le "
        "faut (Vienne (38), Bretagne (région)), son code INSEE (59350, 59) ou son "
        "identifiant (commune-59350)."
    ),
    SCALE: gettext_lazy(
        "Échelle d'action : locale, départementale, régionale, nationale, internationale."
    ),
    START_YEAR: gettext_lazy("Année de début."),
    END_YEAR: gettext_lazy("Année de fin (vide si l'alliance continue)."),
    DOMAINS: gettext_lazy("Domaines d'action, séparés par « ; »."),
    ODD: gettext_lazy("Objectifs de développement durable (ODD 1 à 17), séparés par « ; »."),
    ALLIANCE: gettext_lazy("Objectifs de « faire alliance », séparés par « ; »."),
    PARTNERSHIP_TYPES: gettext_lazy("Types de partenariat, séparés par « ; »."),
    PARTNERS: gettext_lazy("Partenaires et leur rôle entre parenthèses, séparés par « ; »."),
    WEBSITE: gettext_lazy("Site web de l'alliance."),
    TERRITORY_NAME: gettext_lazy("Nom du territoire (lecture seule)."),
    INSEE_CODE: gettext_lazy("Code INSEE du territoire (lecture seule)."),
    DEPARTEMENT: gettext_lazy("Département où se trouve le territoire (lecture seule)."),
    REGION: gettext_lazy("Région où se trouve le territoire (lecture seule)."),
    ACTOR_TYPES: gettext_lazy("Types des acteurs partenaires (lecture seule)."),
    PUBLIC_LINK: gettext_lazy("Adresse de la fiche publique (lecture seule)."),
    UPDATED_AT: gettext_lazy("Date de dernière modification, heure de Paris (lecture seule)."),
}

ACTOR_COLUMN_MEANINGS = {
    IDENTIFIER: gettext_lazy(
        "Identifiant de l'acteur (son adresse sur le site) ; vide à l'import pour créer."
    ),
    NAME: gettext_lazy("Nom de l'organisation ou du groupe."),
    ACTOR_TYPE: gettext_lazy("Type d'acteur."),
    SIREN: gettext_lazy("Numéro SIREN (9 chiffres), s'il en a un."),
    RNA: gettext_lazy("Numéro RNA d'une association (W suivi de 9 caractères)."),
    WEBSITE: gettext_lazy("Site web de l'acteur."),
    TERRITORY: EXAMPLE_COLUMN_MEANINGS[TERRITORY],
}
