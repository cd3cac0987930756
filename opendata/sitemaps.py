"""sitemap.xml (an index) and its sections: published examples, public actors, territories
that hold examples (and those above them), their Fiches Repères, and the fixed pages.

Their addresses start with SITE_URL, never with what a request says: the sitemap is cached
for everyone, and one client's `X-Forwarded-Proto: https` must not switch it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.choices import ActorType, ObjectiveFamily
from catalogue.models import Actor, Domain, Example, Objective
from reperes.fiches import FICHE_LEVELS, fiche_url
from territoires.models import Territory


class PublicSitemap(Sitemap):
    """A section whose scheme and host are SITE_URL's."""

    @property
    def protocol(self):
        # Read by the index for each section too, instead of the request's scheme.
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ExampleSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return Example.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, example):
        return example.updated_at


class ActorSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return Actor.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, actor):
        return actor.updated_at


class TerritorySitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        located = Example.objects.published().order_by().values_list("territory__path")
        return Territory.objects.on_paths_of(located.distinct()).only("slug")


class FicheSitemap(PublicSitemap):
    """The Fiches Repères: France, each actor type and domain, and the régions,
    départements and EPCI that hold published examples."""

    changefreq = "weekly"

    def items(self):
        located = Example.objects.published().order_by().values_list("territory__path")
        territories = (
            Territory.objects.on_paths_of(located.distinct())
            .filter(level__in=FICHE_LEVELS)
            .only("slug", "level")
            .order_by("pk")
        )
        return [
            reverse("reperes:france"),
            *(reverse("reperes:actor_type", args=[kind.value]) for kind in ActorType),
            *(reverse("reperes:domain", args=[slug])
              for slug in Domain.objects.order_by("pk").values_list("slug", flat=True)),
            *(fiche_url(territory) for territory in territories),
        ]  # fmt: skip

    def location(self, item):
        return item


class PageSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        fixed = ["catalogue:home", "catalogue:example_list", "catalogue:actor_list"]
        return [
            *(reverse(name) for name in fixed),
            reverse("opendata:data"),
            *(domain.get_absolute_url() for domain in Domain.objects.order_by("pk")),
            *(o.get_absolute_url() for o in Objective.objects.filter(family=ObjectiveFamily.ODD)),
        ]

    def location(self, item):
        return item


SITEMAPS = {
    "pages": PageSitemap,
    "exemples": ExampleSitemap,
    "acteurs": ActorSitemap,
    "territoires": TerritorySitemap,
    "reperes": FicheSitemap,
}
