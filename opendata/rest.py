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


# One entry of `compris`: what the search understood (catalogue.understanding).
UNDERSTOOD_SCHEMA = {
    "type": "object",
    "required": ["expression", "type", "valeur", "libelle", "nombre", "url_filtre", "url"],
    "properties": {
        "expression": {"type": "string", "description": _("Les mots de la recherche compris.")},
        "type": {
            "type": "string",
            "enum": ["territoire", "domaine", "odd", "objectif", "type_partenariat",
                     "type_acteur", "acteur"],
            "description": _("Ce qu'ils désignent : le paramètre de la liste qui filtre dessus."),
        },
        "valeur": {"type": "string", "description": _("La valeur de ce paramètre.")},
        "libelle": {"type": "string"},
        "nombre": {"type": "integer", "description": _("Le nombre d'exemples publiés.")},
        "url_filtre": {
            "type": "string",
            "format": "uri",
            "description": _("Cette liste filtrée dessus au lieu d'en chercher les mots."),
        },
        "url": {"type": "string", "description": _("Sa page publique (vide : aucune).")},
    },
}  # fmt: skip


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
    """The example list's pages, with what the search did with the words of `q`
    (catalogue.understanding, catalogue.search.plan_search): `compris`, the phrases that name
    a territory, a theme or an actor (several entries for one ambiguous expression, the best
    first); `corrections`, `synonymes` and `mots_laisses`. The view sets `search_fields`;
    the schema documents them."""

    search_fields: dict = {}

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data.update(self.search_fields)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        pair = {
            "type": "object",
            "properties": {"tape": {"type": "string"}, "utilise": {"type": "string"}},
            "required": ["tape", "utilise"],
        }
        synonyms = {
            "type": "object",
            "properties": {"tape": {"type": "string"}, "ajoutes": _words("ses synonymes")},
            "required": ["tape", "ajoutes"],
        }
        paginated["properties"].update(
            compris={"type": "array", "items": UNDERSTOOD_SCHEMA},
            corrections={
                "type": "array",
                "items": pair,
                "description": "Mots corrigés (aucun exemple ne les contient) : tapé, utilisé.",
            },
            synonymes={
                "type": "array",
                "items": synonyms,
                "description": "Mots élargis à leurs synonymes (liste tenue par les curateurs).",
            },
            mots_laisses=_words("Mots laissés de côté : aucun exemple ne les contient."),
        )
        paginated["required"] = [*paginated.get("required", []), *SEARCH_FIELDS]
        return paginated


SEARCH_FIELDS = ("compris", "corrections", "synonymes", "mots_laisses")
