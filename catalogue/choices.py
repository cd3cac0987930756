"""The closed lists of the catalogue; their values appear in URLs and spreadsheets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectiveFamily(models.TextChoices):
    ODD = "odd", _("Objectif de développement durable")
    ALLIANCE = "alliance", _("Objectif de « faire alliance »")


class ActorType(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Entreprise")
    FONDATION = "fondation", _("Fondation")
    COLLECTIVITE = "collectivite", _("Collectivité territoriale")
    ETAT = "etat", _("État et institutions publiques")
    SYNDICAT = "syndicat", _("Syndicat")
    ACCOMPAGNEMENT = "accompagnement", _("Acteur de l'accompagnement")
    ACADEMIQUE = "academique", _("Acteur académique")
    CITOYENS = "citoyens", _("Citoyens")


class ExampleStatus(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    PUBLIE = "publie", _("Publié")
    ARCHIVE = "archive", _("Archivé")


class ExampleOrigin(models.TextChoices):
    """Who brought an example in: its curators (admin, imports) or a visitor (/proposer/)."""

    CURATION = "curation", _("Saisi par les curateurs")
    PUBLIC = "public", _("Proposé par le public")


class Scale(models.TextChoices):
    LOCAL = "local", _("Locale")
    DEPARTEMENTAL = "departemental", _("Départementale")
    REGIONAL = "regional", _("Régionale")
    NATIONAL = "national", _("Nationale")
    INTERNATIONAL = "international", _("Internationale")


class PartnerRole(models.TextChoices):
    PORTEUR = "porteur", _("Porteur")
    PARTENAIRE = "partenaire", _("Partenaire")
    FINANCEUR = "financeur", _("Financeur")
    ACCOMPAGNATEUR = "accompagnateur", _("Accompagnateur")
