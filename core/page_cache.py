"""Whole public pages cached for visitors, keyed by the public version.

A page is the same for every visitor until what the public sees changes, and every such write
renews the public version in its own transaction (core.public_version), so a cached page is
never stale; the timeout only bounds how long an unused page holds memory. A cached page
keeps its headers (a sitemap's X-Robots-Tag, a feed's Last-Modified). Never for a logged-in
user (a curator sees drafts through the admin, and the page may show their name), never for
anything but a GET answered 200.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from . import public_version, replica

# Headers that belong to one response, not to the page.
UNCACHED = {"set-cookie", "vary", "content-length", "date"}


def public_page(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        number, stamp = public_version.state()
        key = f"page:{stamp}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
        else:
            # Cached under `number`: rendered at it, and not from a replica that has not
            # replayed it.
            with public_version.pinned((number, stamp)), replica.primary_unless_replayed(number):
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                headers = [(n, v) for n, v in response.items() if n.lower() not in UNCACHED]
                cache.set(key, (response.content, headers), seconds)
        patch_vary_headers(response, ["Cookie"])
        return response

    return cached_view
