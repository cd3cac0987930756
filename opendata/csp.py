"""Where a page's Content-Security-Policy differs from the site's: the one page that other
sites may frame (/integrer/), and the API documentation."""

from csp.constants import SELF
from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt


def embeddable(view):
    """No X-Frame-Options, and frame-ancestors from EMBED_FRAME_ANCESTORS, for this view
    only; every other page keeps X-Frame-Options DENY and frame-ancestors 'none'."""
    return xframe_options_exempt(
        csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})(view)
    )


def documentation(view):
    """Swagger UI's stylesheet draws its icons with data: SVG images; this page only."""
    return csp_update({"img-src": [SELF, "data:"]})(view)
