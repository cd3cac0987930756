"""Which territories have a Fiche Repères, and its address.

Kept apart from the views so that the sitemaps (opendata), the template filter and the
views read one definition without importing a view module as a library."""

from django.urls import reverse

from territoires.models import TerritoryLevel

# The territories that have a fiche (an EPCI only when it has examples).
FICHE_LEVELS = (TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT, TerritoryLevel.EPCI)


def fiche_url(territory) -> str:
    """The fiche of a territory, or "" for a level that has none (a commune)."""
    if territory.level == TerritoryLevel.PAYS:
        return reverse("reperes:france")
    if territory.level in FICHE_LEVELS:
        return reverse("reperes:territory", args=[territory.slug])
    return ""
