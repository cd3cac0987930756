"""Whole public pages cached for visitors, keyed by the catalogue version.

A page is the same for every visitor until the catalogue changes, and every write bumps the
version (catalogue.versions), so a cached page is never stale; the timeout only bounds how
long an unused page holds memory. Never for a logged-in user (a curator sees drafts
through the admin, and the page may show their name), never for anything but a GET
answered 200.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from . import versions


def public_page(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = f"page:{versions.current()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not response.streaming:
                value = (response.content, response["Content-Type"])
                cache.set(key, value, seconds)
        patch_vary_headers(response, ["Cookie"])
        return response

    return cached_view
