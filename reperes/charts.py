"""The geometry of the server-drawn charts: bar lengths, columns, colour buckets.

Templates draw the SVG; this module only turns counts into numbers on a fixed scale, so that
every chart is readable without JavaScript and its colours are classes (the CSP forbids
inline styles)."""

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


COLUMN_WIDTH, COLUMN_GAP, CHART_HEIGHT = 16, 4, 120


def with_positions(columns: list[Column]) -> dict:
    """Columns placed in a viewBox `width` × CHART_HEIGHT (+ room for the year labels): one
    label every few columns so that they never overlap."""
    tallest = max((column.count for column in columns), default=0) or 1
    step = max(1, len(columns) // 8)
    for index, column in enumerate(columns):
        column.x = index * (COLUMN_WIDTH + COLUMN_GAP)
        column.height = round(CHART_HEIGHT * column.count / tallest, 2)
        column.y = round(CHART_HEIGHT - column.height, 2)
        column.centre = column.x + COLUMN_WIDTH / 2
        column.labelled = index % step == 0 or index == len(columns) - 1
    width = max(len(columns) * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP, COLUMN_WIDTH)
    return {
        "columns": columns,
        "width": width,
        "height": CHART_HEIGHT,
        "view_height": CHART_HEIGHT + 20,
        "label_y": CHART_HEIGHT + 15,
        "column_width": COLUMN_WIDTH,
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
