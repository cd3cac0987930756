"""`{% france_map %}`: the départements map with the national counts, for pages outside the
fiches (the home page) that should not compute a fiche."""

from django import template

from .. import figures

register = template.Library()


@register.inclusion_tag("reperes/includes/map.html")
def france_map():
    return {"map": figures.national_map(), "subject": None}


@register.filter
def fiche_url(territory) -> str:
    """`{{ territory|fiche_url }}`: its Fiche Repères, or "" (a commune has none)."""
    from ..views import fiche_url as url_of

    return url_of(territory) if territory else ""
