"""The map of France by département: shapes from the vendored SVG, names and counts from the
catalogue.

static/reperes/france-departements.svg (built by scripts/build_france_map.py from
@svg-maps, CC-BY-4.0) gives one path per département, its `id` the INSEE code; the five
overseas départements sit in insets below the mainland. The server draws every shape as a
link to its fiche, so the map works without JavaScript."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from . import charts

SVG_FILE = Path(settings.BASE_DIR) / "static" / "reperes" / "france-departements.svg"
SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Shape:
    code: str
    path: str
    inset: tuple[float, float, float] | None  # x, y, size of an overseas inset


@cache
def shapes() -> dict[str, Shape]:
    """{INSEE code: Shape}, read once per process."""
    root = ET.parse(SVG_FILE).getroot()
    found = {}
    for element in root.iter(f"{SVG}path"):
        inset = element.get("data-inset")
        found[element.get("id")] = Shape(
            code=element.get("id"),
            path=element.get("d"),
            inset=tuple(float(n) for n in inset.split()) if inset else None,
        )
    return found


@cache
def view_box() -> str:
    return ET.parse(SVG_FILE).getroot().get("viewBox")


@dataclass
class Area:
    """A département on the map: its shape, its territory, its count and its colour step."""

    shape: Shape
    territory: object = None
    count: int = 0
    bucket: int = 0
    current: bool = False
    list_url: str = ""  # the list of the examples counted
    fiche_url: str = ""


def france_map(departements, counts: dict[str, int], *, list_url, highlighted=()) -> dict:
    """The map's context: an Area per shape (a département of the reference data, or, if the
    data lack it, a plain shape), the insets and the legend. `counts` maps slugs to counts,
    `list_url(slug)` gives the list each counts; `highlighted` holds the slugs of the
    départements the fiche is about."""
    by_code = {t.code: t for t in departements}
    fiches = reverse("reperes:france")  # a hundred reverse() calls would cost more than the map
    maximum = max(counts.values(), default=0)
    areas = []
    for code, shape in shapes().items():
        territory = by_code.get(code)
        count = counts.get(territory.slug, 0) if territory else 0
        areas.append(
            Area(
                shape=shape,
                territory=territory,
                count=count,
                bucket=charts.bucket(count, maximum),
                current=territory is not None and territory.slug in highlighted,
                list_url=list_url(territory.slug) if territory else "",
                fiche_url=f"{fiches}{territory.slug}/" if territory else "",
            )
        )
    # The highlighted ones last: their outline is drawn above their neighbours'.
    areas.sort(key=lambda area: area.current)
    return {
        "areas": areas,
        "view_box": view_box(),
        "insets": [area for area in areas if area.shape.inset],
        "listed": sorted((area for area in areas if area.territory), key=lambda a: a.shape.code),
        "legend": charts.legend(maximum),
    }
