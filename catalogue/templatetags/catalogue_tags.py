from django import template

from catalogue import search

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
