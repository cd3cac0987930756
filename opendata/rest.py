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


class ExamplePagination(Pagination):
    """The example list's page, with `compris`: the phrases of `q` that name a territory, a
    theme or an actor (several entries for one ambiguous expression, the best first)."""

    understood: list[dict] = []

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["compris"] = self.understood
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = [*paginated.get("required", []), "compris"]
        paginated["properties"]["compris"] = {"type": "array", "items": UNDERSTOOD_SCHEMA}
        return paginated


class AnonymousClientThrottle(AnonRateThrottle):
    """A rate per client address (the reverse proxy's header when one is named), read from
    API_ANON_RATE when each request is checked."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)
