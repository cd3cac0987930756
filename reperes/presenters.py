"""The repeated rows of a Fiche Repères (map areas, matrix cells, bars), built once per
page in Python: they were most of the fiche's 3,600 template nodes (catalogue/presenters.py
says why). Each function writes the markup its template wrote, values escaped by
`format_html`; the templates keep the sections, headings and tables."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import pluralize
from django.templatetags.l10n import unlocalize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def map_areas(areas) -> SafeString:
    """The départements of the map (includes/map.html), each a link to its fiche."""
    parts = []
    for area in areas:
        if area.territory:
            label = format_html(
                "{} : {} exemple{}", area.territory, area.count, pluralize(area.count)
            )
            parts.append(
                format_html(
                    '<a class="map-area bucket-{}{}" href="{}" data-code="{}" data-count="{}" '
                    'aria-label="{}"><title>{}</title><path d="{}"/></a>\n    ',
                    area.bucket,
                    mark_safe(" map-current") if area.current else "",
                    area.fiche_url,
                    area.territory.code,
                    area.count,
                    label,
                    label,
                    area.shape.path,
                )
            )
        else:
            parts.append(format_html('<path class="map-unknown" d="{}"/>\n    ', area.shape.path))
    return mark_safe("".join(parts))  # pieces built by format_html


def matrix_cells(row, row_number: int) -> SafeString:
    """The cells of one row of the alliance matrix (includes/matrix.html); the cell on the
    diagonal counts the examples with two actors of the row's type."""
    parts = []
    for number, cell in enumerate(row["cells"], 1):
        diagonal = number == row_number
        if diagonal:
            label = format_html(
                "{} exemple{} avec au moins deux acteurs du type {}",
                cell["count"],
                pluralize(cell["count"]),
                row["label"],
            )
        else:
            label = format_html(
                "{} exemple{} réunissant {} et {}",
                cell["count"],
                pluralize(cell["count"]),
                row["label"],
                cell["column"],
            )
        parts.append(
            format_html(
                '<td class="heat bucket-{}{}"><a href="{}" data-count="{}" aria-label="{}">{}</a>'
                "</td>",
                cell["bucket"],
                mark_safe(" diagonal") if diagonal else "",
                cell["url"],
                cell["count"],
                label,
                intcomma(cell["count"]),
            )
        )
    return mark_safe("".join(parts))  # pieces built by format_html


def bar_rows(bars) -> SafeString:
    """The rows of a bar chart (includes/bars.html), each bar a link to the list it counts."""
    return mark_safe(  # pieces built by format_html
        "".join(
            format_html(
                '\n      <tr class="{}">\n        <th scope="row">{}</th>\n        '
                '<td class="bar-cell"><a class="bar-link" href="{}" data-count="{}">'
                '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
                'aria-hidden="true" focusable="false"><rect class="bar-fill" width="{}" '
                'height="10"/></svg><span class="bar-count">{}<span class="visually-hidden"> '
                "exemple{} : {}</span></span></a></td>\n      </tr>\n    ",
                bar.css_class,
                bar.label,
                bar.url,
                bar.count,
                unlocalize(bar.length),
                intcomma(bar.count),
                pluralize(bar.count),
                bar.label,
            )
            for bar in bars
        )
    )


def map_table_rows(areas) -> SafeString:
    """The rows of the table under the map (includes/map.html): département, count."""
    return mark_safe(  # pieces built by format_html
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a></td><td><a href="{}" data-count="{}">{}</a></td></tr>',
                area.fiche_url,
                area.territory,
                area.list_url,
                area.count,
                intcomma(area.count),
            )
            for area in areas
        )
    )


def year_columns(years) -> SafeString:
    """The columns of the chart of starts by year (includes/columns.html), each a link."""
    width, height = unlocalize(years["column_width"]), unlocalize(years["height"])
    parts = []
    for column in years["columns"]:
        label = format_html(
            "{} : {} exemple{}", column.label, column.count, pluralize(column.count)
        )
        parts.append(
            format_html(
                '\n    <a href="{}" data-count="{}" aria-label="{}"><title>{}</title>'
                '<rect class="column-hit" x="{}" y="0" width="{}" height="{}"/>'
                '<rect class="column" x="{}" y="{}" width="{}" height="{}"/></a>\n    ',
                column.url,
                column.count,
                label,
                label,
                unlocalize(column.x),
                width,
                height,
                unlocalize(column.x),
                unlocalize(column.y),
                width,
                unlocalize(column.height),
            )
        )
        if column.labelled:
            parts.append(
                format_html(
                    '<text class="column-label" x="{}" y="{}" text-anchor="middle" '
                    'aria-hidden="true">{}</text>',
                    unlocalize(column.centre),
                    unlocalize(years["label_y"]),
                    column.label,
                )
            )
        parts.append("\n    ")
    return mark_safe("".join(parts))  # pieces built by format_html


def year_table_rows(years) -> SafeString:
    """The rows of the table under the chart of starts by year (includes/columns.html)."""
    return mark_safe(  # pieces built by format_html
        "".join(
            format_html(
                '<tr><td>{}</td><td><a href="{}" data-count="{}">{}</a></td></tr>',
                column.label,
                column.url,
                column.count,
                intcomma(column.count),
            )
            for column in years["columns"]
        )
    )
