"""The one page that other sites may frame: /integrer/."""

from csp.decorators import csp_replace
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt


def embeddable(view):
    """No X-Frame-Options, and frame-ancestors from EMBED_FRAME_ANCESTORS, for this view
    only; every other page keeps X-Frame-Options DENY and frame-ancestors 'none'."""
    return xframe_options_exempt(
        csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})(view)
    )
