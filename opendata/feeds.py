"""Atom feeds of the newest published examples of any list (/exemples/flux.atom?<query>)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.utils.feedgenerator import Atom1Feed

from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example
from catalogue.querystrings import query_with

from .api import error_messages
from .serializers import site_url


class ExampleFeed(Feed):
    """The FEED_SIZE newest examples (by publication in the catalogue) of the list that the
    same query string shows on /exemples/."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        filterset = ExampleFilterSet(request.GET)
        if not filterset.is_valid():
            # The API's answer: 400, {parameter: [French messages]}.
            return JsonResponse(
                error_messages(filterset.errors),
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        self.filterset = filterset
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        self.query = query_with(request.GET).rstrip("?")
        return self.filterset

    def title(self, filterset):
        words = filterset.main_filter_words()
        return f"Impact Alliances — {words}" if words else "Impact Alliances — exemples"

    def subtitle(self, filterset):
        return "Les derniers exemples d'alliances publiés dans le catalogue."

    def link(self, filterset):
        return site_url("/exemples/" + self.query)

    def items(self, filterset):
        # Ids grow with creation and the primary key is indexed: newest first, cheaply.
        newest = filterset.qs.order_by("-pk").values_list("pk", flat=True)
        return Example.objects.with_related().in_order(list(newest[: settings.FEED_SIZE]))

    def item_title(self, example):
        return example.title

    def item_description(self, example):
        return example.summary

    def item_link(self, example):
        return site_url(example.get_absolute_url())

    def item_guid(self, example):
        return site_url(example.get_absolute_url())

    def item_pubdate(self, example):
        return example.created_at

    def item_updateddate(self, example):
        return example.updated_at

    def item_categories(self, example):
        return [domain.name for domain in example.domains.all()]
