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
