"""What the API and the JSON dump say about each public object: one set of field names.

Field names are French and stable (docs/open-data.md): adding a field is allowed, renaming
or removing one needs a new API version.
"""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.choices import ObjectiveFamily
from catalogue.models import Actor, Domain, Example, Objective, Partnership
from territoires.models import Territory


def site_url(path: str) -> str:
    """The absolute public address of a path, from SITE_URL (the same in every answer)."""
    return settings.SITE_URL.rstrip("/") + path


@extend_schema_field(OpenApiTypes.URI)
class PublicUrlField(serializers.Field):
    """The object's public page, as an absolute address."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return site_url(value.get_absolute_url())


class TerritoryRefSerializer(serializers.ModelSerializer):
    niveau = serializers.CharField(source="level")
    nom = serializers.CharField(source="name")
    url = PublicUrlField()

    class Meta:
        model = Territory
        fields = ["slug", "niveau", "code", "nom", "url"]


class TerritorySerializer(TerritoryRefSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(TerritoryRefSerializer.Meta):
        fields = [*TerritoryRefSerializer.Meta.fields, "parent"]


class TerritoryDetailSerializer(TerritorySerializer):
    """A territory with the territories above it (pays first) and those directly below."""

    parents = serializers.SerializerMethodField()
    enfants = serializers.SerializerMethodField()

    class Meta(TerritorySerializer.Meta):
        fields = [*TerritorySerializer.Meta.fields, "parents", "enfants"]

    def get_parents(self, territory) -> list[dict]:
        return TerritoryRefSerializer(territory.ancestors(), many=True).data

    def get_enfants(self, territory) -> list[dict]:
        return TerritoryRefSerializer(territory.subdivisions(), many=True).data


class DomainSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    url = PublicUrlField()

    class Meta:
        model = Domain
        fields = ["slug", "nom", "description", "url"]


class ObjectiveSerializer(serializers.ModelSerializer):
    famille = serializers.CharField(source="family")
    numero = serializers.IntegerField(source="number")
    nom = serializers.CharField(source="name")
    nom_court = serializers.CharField(source="short_name")
    couleur = serializers.CharField(source="color")

    class Meta:
        model = Objective
        fields = ["famille", "numero", "nom", "nom_court", "couleur"]


class ActorSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    type_acteur = serializers.CharField(source="actor_type")
    site_web = serializers.CharField(source="website")
    territoire = serializers.SlugRelatedField(source="territory", slug_field="slug", read_only=True)
    url = PublicUrlField()

    class Meta:
        model = Actor
        fields = ["slug", "nom", "type_acteur", "siren", "rna", "site_web", "territoire", "url"]


class PartnerSerializer(serializers.ModelSerializer):
    acteur = serializers.SlugRelatedField(source="actor", slug_field="slug", read_only=True)
    nom = serializers.CharField(source="actor.name")
    type_acteur = serializers.CharField(source="actor.actor_type")

    class Meta:
        model = Partnership
        fields = ["acteur", "nom", "type_acteur", "role"]


class ExampleSerializer(serializers.ModelSerializer):
    """An example as its public page shows it; the relations loaded by `with_related()`."""

    titre = serializers.CharField(source="title")
    resume = serializers.CharField(source="summary")
    territoire = TerritoryRefSerializer(source="territory")
    echelle = serializers.CharField(source="scale")
    annee_debut = serializers.IntegerField(source="start_year")
    annee_fin = serializers.IntegerField(source="end_year", allow_null=True)
    domaines = serializers.SlugRelatedField(
        source="domains", slug_field="slug", many=True, read_only=True
    )
    odd = serializers.SerializerMethodField()
    objectifs = serializers.SerializerMethodField()
    types_partenariat = serializers.SlugRelatedField(
        source="partnership_types", slug_field="slug", many=True, read_only=True
    )
    partenaires = PartnerSerializer(source="partnerships", many=True)
    site_web = serializers.CharField(source="website")
    verifie_le = serializers.DateField(source="verified_on", allow_null=True)
    cree_le = serializers.DateTimeField(source="created_at")
    modifie_le = serializers.DateTimeField(source="updated_at")
    url = PublicUrlField()

    class Meta:
        model = Example
        fields = [
            "reference",
            "slug",
            "titre",
            "resume",
            "description",
            "territoire",
            "echelle",
            "annee_debut",
            "annee_fin",
            "domaines",
            "odd",
            "objectifs",
            "types_partenariat",
            "partenaires",
            "site_web",
            "verifie_le",
            "cree_le",
            "modifie_le",
            "url",
        ]

    def get_odd(self, example) -> list[int]:
        return [o.number for o in example.objectives.all() if o.family == ObjectiveFamily.ODD]

    def get_objectifs(self, example) -> list[int]:
        return [o.number for o in example.objectives.all() if o.family == ObjectiveFamily.ALLIANCE]
