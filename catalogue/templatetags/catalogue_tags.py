from django import template

from catalogue import search
from catalogue.querystrings import query_with

register = template.Library()


@register.filter
def highlight(text, query):
    """Wrap the words of `text` that match the search `query` in <mark>."""
    return search.highlight(text, query)


@register.simple_tag
def replace_query(params, **changes):
    """The current query string with some parameters replaced (None removes them)."""
    return query_with(params, **changes)


@register.filter
def web_link(url):
    """The URL if it is http(s), else "": a stored `javascript:` address never becomes a link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
