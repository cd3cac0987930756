from django import template

from catalogue import presenters, search

register = template.Library()


@register.filter
def highlight(text, query):
    """Wrap the words of `text` that match the search `query` in <mark>."""
    return search.highlight(text, query)


@register.filter
def web_link(url):
    """The URL if it is http(s), else "": a stored `javascript:` address never becomes a link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def page_window(page_obj):
    """The page numbers to link around the current page: 1 … 4 5 [6] 7 8 … 44."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def cards(examples, query=""):
    """`{% for card in examples|cards:query %}`: the examples' cards (presenters.py)."""
    return presenters.example_cards(examples, query or "")


@register.filter
def card(example, query=""):
    """`{% with card=example|card %}`: one example's card (presenters.py)."""
    return presenters.example_card(example, query or "")


@register.filter
def objective_marks(objectives, linked=False):
    """`{{ objectives|objective_marks:True }}`: the objectives' marks, linked or not."""
    return presenters.objective_marks(objectives, linked=bool(linked))


@register.filter
def facet_options(options, name):
    """`{{ group.options|facet_options:group.name }}`: one facet's checkboxes."""
    return presenters.facet_options(name, options)


@register.filter
def territory_options(choices):
    """`{{ territory_choices|territory_options }}`: the territory filter's options."""
    return presenters.territory_options(choices)
