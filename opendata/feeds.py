"""Atom feeds of the newest published examples of any list (/exemples/flux.atom?<query>).

The URLconf holds one `ExampleFeed` for every request, served by several threads: nothing
of a request is kept on it. What a request asks for travels as the feed's object
(`ExampleList`), from `__call__` through `get_object` to every method."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from catalogue.filter_labels import main_filter_words
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example
from catalogue.querystrings import query_with
from catalogue.sheets.writers import printable

from .api import error_messages
from .serializers import site_url


def xml_text(value):
    """`value` (a text, or a list or tuple of texts) without the characters XML 1.0 cannot
    hold: Django's feed writer refuses them (a 500), and in an attribute (a category) they
    would make a file no reader accepts."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_text(v) for v in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom, with every text given to the feed and its entries made writable as XML."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})


@dataclass(frozen=True)
class ExampleList:
    """What one request's feed shows: the list's FilterSet and its query string ("?…")."""

    filterset: ExampleFilterSet
    query: str


class ExampleFeed(Feed):
    """The FEED_SIZE newest examples (by publication in the catalogue) of the list that the
    same query string shows on /exemples/."""

    feed_type = XmlSafeAtom1Feed
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
        shown = ExampleList(filterset, query_with(request.GET).rstrip("?"))
        return super().__call__(request, *args, shown=shown, **kwargs)

    def get_object(self, request, *args, shown, **kwargs):
        return shown

    def title(self, shown):
        words = main_filter_words(shown.filterset)
        return f"Impact Alliances — {words}" if words else "Impact Alliances — exemples"

    def subtitle(self, shown):
        return "Les derniers exemples d'alliances publiés dans le catalogue."

    def link(self, shown):
        return site_url("/exemples/" + shown.query)

    def feed_url(self, shown):
        # rel="self": this feed, with its filters.
        return site_url(reverse("opendata:example_feed") + shown.query)

    def items(self, shown):
        # Ids grow with creation and the primary key is indexed: newest first, cheaply.
        newest = shown.filterset.qs.order_by("-pk").values_list("pk", flat=True)
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
