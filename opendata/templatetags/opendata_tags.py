"""Tags for sharing and search engines: absolute links and schema.org JSON-LD."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalogue.models import Example
from opendata.serializers import site_url

register = template.Library()

# As Django's json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute(path):
    """The public address of a path of this site (SITE_URL)."""
    return site_url(path)


@register.simple_tag
def example_json_ld(example: Example, places):
    """A schema.org CreativeWork for an example: where it takes place (its territory within
    `places`, the territories above it) and its partners.

    A JSON-LD data block is not a script the browser runs: the Content-Security-Policy does
    not apply to it, so it needs no nonce (which a cached page could not keep anyway)."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "additionalType": "https://schema.org/Project",
        "identifier": example.reference,
        "name": example.title,
        "description": example.summary,
        "url": site_url(example.get_absolute_url()),
        "inLanguage": "fr",
        "dateCreated": example.created_at.isoformat(),
        "dateModified": example.updated_at.isoformat(),
        "temporalCoverage": f"{example.start_year}/{example.end_year or '..'}",
        "keywords": [domain.name for domain in example.domains.all()],
        "spatialCoverage": _place(example.territory, places),
        "contributor": [
            {
                "@type": "Organization",
                "name": partnership.actor.name,
                "url": site_url(partnership.actor.get_absolute_url()),
                "roleName": partnership.get_role_display(),
            }
            for partnership in example.partnerships.all()
        ],
    }
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _place(territory, places):
    """The territory as a schema.org Place, inside the places above it (the nearest first)."""
    url = site_url(territory.get_absolute_url())
    place = {"@type": "Place", "name": territory.name, "url": url}
    inner = place
    for above in reversed(places):
        inner["containedInPlace"] = {"@type": "Place", "name": above.name}
        inner = inner["containedInPlace"]
    return place
