"""The API's pagination and rate limit, named in settings.REST_FRAMEWORK (a module of its own:
the API views import the settings that name these classes)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

from core.security import client_ip


class Pagination(PageNumberPagination):
    """`?page=N`; `count` is the total, `next`/`previous` the neighbouring pages' links."""

    # DRF fills it in with str.format(page_number=…, message=…).
    invalid_page_message = _("Page invalide : « {page_number} » ({message}).")

    def get_page_size(self, request):
        """The view's `page_size`, else the example list page's (read at each request)."""
        return getattr(self.view, "page_size", None) or settings.EXAMPLES_PER_PAGE

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)


class AnonymousClientThrottle(AnonRateThrottle):
    """A rate per client address (the reverse proxy's header when one is named), read from
    API_ANON_RATE when each request is checked."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)


def _words(description):
    return {"type": "array", "items": {"type": "string"}, "description": description}


class ExamplePagination(Pagination):
    """The example list's pages, with what the search changed in the words of `q`
    (catalogue.search.plan_search): the schema documents the fields the view adds."""

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        pair = {
            "type": "object",
            "properties": {"typed": {"type": "string"}, "used": {"type": "string"}},
            "required": ["typed", "used"],
        }
        synonyms = {
            "type": "object",
            "properties": {"typed": {"type": "string"}, "added": _words("ses synonymes")},
            "required": ["typed", "added"],
        }
        paginated["properties"].update(
            corrections={
                "type": "array",
                "items": pair,
                "description": "Mots corrigés (aucun exemple ne les contient) : tapé, utilisé.",
            },
            synonyms={
                "type": "array",
                "items": synonyms,
                "description": "Mots élargis à leurs synonymes (liste tenue par les curateurs).",
            },
            ignored=_words("Mots laissés de côté : aucun exemple ne les contient."),
        )
        paginated["required"] = [*paginated.get("required", []), *SEARCH_FIELDS]
        return paginated


SEARCH_FIELDS = ("corrections", "synonyms", "ignored")
