"""The site's own look: ODD tiles readable in their UN colours, the font and the marks it ships."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from catalogue.models import Objective

from .factories import ExampleFactory

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_objective_mark_is_written_in_an_ink_that_contrasts_4_5_to_1():
    rules = re.findall(
        r"\.objective-([a-z]+-\d+)\s*\{\s*--badge-color:\s*(#[0-9A-Fa-f]{6});"
        r"\s*--badge-ink:\s*(#[0-9A-Fa-f]{6});",
        STYLESHEET.read_text(encoding="utf-8"),
    )
    assert len(rules) == 21
    poor = {name: round(contrast(bg, ink), 2) for name, bg, ink in rules if contrast(bg, ink) < 4.5}
    assert poor == {}


def test_the_font_and_the_marks_are_shipped_with_their_licence():
    static = Path(settings.BASE_DIR) / "static"
    fonts = static / "fonts" / "atkinson-hyperlegible"
    declared = re.findall(r'url\("\.\./fonts/([^"]+)"\)', STYLESHEET.read_text(encoding="utf-8"))
    assert declared and all((static / "fonts" / name).is_file() for name in declared)
    assert "SIL Open Font License" in (fonts / "OFL.txt").read_text(encoding="utf-8")
    assert (static / "img" / "favicon.svg").is_file() and (static / "img" / "mark.svg").is_file()


@pytest.mark.django_db
def test_cards_show_odd_tiles_and_alliance_marks_in_separate_rows(client):
    ExampleFactory(title="Jardin partagé", odd=[4, 17], alliance=[3])
    content = client.get("/exemples/").content.decode()
    odd_row = content.split('<ul class="odd-marks"')[1].split("</ul>")[0]
    alliance_row = content.split('<ul class="alliance-marks"')[1].split("</ul>")[0]
    assert re.findall(r"objective-odd-(\d+)", odd_row) == ["4", "17"]
    assert "alliance" not in odd_row
    assert re.findall(r"objective-alliance-(\d+)", alliance_row) == ["3"]
    innovate = Objective.objects.get(family="alliance", number=3)
    assert str(innovate) in alliance_row


@pytest.mark.django_db
def test_every_page_names_its_favicon(client):
    assert 'rel="icon" href="/static/img/favicon.svg"' in client.get("/").content.decode()
