"""sitemap.xml (an index) and its sections: published examples, public actors, territories
that hold examples (and those above them), their Fiches Repères, and the fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.choices import ActorType, ObjectiveFamily
from catalogue.models import Actor, Domain, Example, Objective
from reperes.views import FICHE_LEVELS, fiche_url
from territoires.models import Territory


class ExampleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Example.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, example):
        return example.updated_at


class ActorSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Actor.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, actor):
        return actor.updated_at


class TerritorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        located = Example.objects.published().order_by().values_list("territory__path")
        return Territory.objects.on_paths_of(located.distinct()).only("slug")


class FicheSitemap(Sitemap):
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


class PageSitemap(Sitemap):
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
