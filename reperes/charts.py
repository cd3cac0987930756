"""The geometry of the server-drawn charts: bar lengths, columns, colour buckets.

Templates draw the SVG; this module only turns counts into numbers on a fixed scale, so that
every chart is readable without JavaScript and its colours are classes (the CSP forbids
inline styles)."""

import math
from dataclasses import dataclass

# Colour steps of the map and of the matrix (classes bucket-0 … bucket-5 in site.css).
BUCKETS = 5


@dataclass
class Bar:
    """One value of a distribution: its label, its count, the list it counts, its length."""

    label: str
    count: int
    url: str
    css_class: str = ""
    length: float = 0.0  # percent of the longest bar


def with_lengths(bars: list[Bar]) -> list[Bar]:
    longest = max((bar.count for bar in bars), default=0) or 1
    for bar in bars:
        bar.length = round(100 * bar.count / longest, 2)
    return bars


@dataclass
class Column:
    label: str
    count: int
    url: str
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0
    centre: float = 0.0
    labelled: bool = False


CHART_WIDTH, CHART_HEIGHT, LABEL_SPACING = 600, 160, 48  # viewBox units


def with_positions(columns: list[Column]) -> dict:
    """Columns spread over a CHART_WIDTH × CHART_HEIGHT viewBox (+ a line for the years),
    one year label every few columns so that labels never overlap."""
    tallest = max((column.count for column in columns), default=0) or 1
    slot = CHART_WIDTH / max(len(columns), 1)
    width = round(slot * 0.8, 2)
    step = max(1, math.ceil(LABEL_SPACING / slot))
    for index, column in enumerate(columns):
        column.x = round(index * slot + (slot - width) / 2, 2)
        column.height = round(CHART_HEIGHT * column.count / tallest, 2)
        column.y = round(CHART_HEIGHT - column.height, 2)
        column.centre = round(index * slot + slot / 2, 2)
        column.labelled = index % step == 0
    return {
        "columns": columns,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "view_height": CHART_HEIGHT + 22,
        "label_y": CHART_HEIGHT + 17,
        "column_width": width,
    }


def bucket(count: int, maximum: int) -> int:
    """0 for nothing, then 1 … BUCKETS by equal steps of the largest count (see legend)."""
    if count <= 0 or maximum <= 0:
        return 0
    return next(n for n in range(1, BUCKETS + 1) if count <= n * maximum // BUCKETS)


def legend(maximum: int) -> list[tuple[int, str]]:
    """(bucket, "from – to") for each bucket that some count can reach."""
    steps = [(0, "0")]
    for number in range(1, BUCKETS + 1):
        low = (number - 1) * maximum // BUCKETS + 1
        high = number * maximum // BUCKETS
        if maximum and low <= high:
            steps.append((number, f"{low}" if low == high else f"{low} – {high}"))
    return steps
