"""sitemap.xml (an index) and its sections: published examples, public actors, territories
that hold examples (and those above them), and the fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.choices import ObjectiveFamily
from catalogue.models import Actor, Domain, Example, Objective
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
}
