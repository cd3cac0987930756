"""`{% france_map %}`: the départements map with the national counts, for pages outside the
fiches (the home page) that should not compute a fiche."""

from django import template

from .. import fiches, figures, presenters

register = template.Library()


@register.inclusion_tag("reperes/includes/map.html")
def france_map():
    return {"map": figures.national_map(), "subject": None}


@register.filter
def fiche_url(territory) -> str:
    """`{{ territory|fiche_url }}`: its Fiche Repères, or "" (a commune has none)."""
    return fiches.fiche_url(territory) if territory else ""


@register.filter
def map_areas(areas):
    """`{{ map.areas|map_areas }}`: the départements of the map (presenters.py)."""
    return presenters.map_areas(areas)


@register.filter
def matrix_cells(row, row_number):
    """`{{ row|matrix_cells:forloop.counter }}`: one row's cells of the alliance matrix."""
    return presenters.matrix_cells(row, row_number)


@register.filter
def bar_rows(bars):
    """`{{ chart.bars|bar_rows }}`: the rows of a bar chart."""
    return presenters.bar_rows(bars)


@register.filter
def map_table_rows(areas):
    """`{{ map.listed|map_table_rows }}`: the rows of the table under the map."""
    return presenters.map_table_rows(areas)


@register.filter
def year_columns(years):
    """`{{ years|year_columns }}`: the columns of the chart of starts by year."""
    return presenters.year_columns(years)


@register.filter
def year_table_rows(years):
    """`{{ years|year_table_rows }}`: the rows of the table of starts by year."""
    return presenters.year_table_rows(years)
