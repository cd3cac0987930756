"""Building the query strings of shareable list URLs."""

from django.http import QueryDict


def query_with(params: QueryDict, *, drop_value=None, **changes) -> str:
    """`?…` from `params` with `changes` applied (None removes a key) and, if given,
    one (name, value) pair removed; the page always resets unless changed explicitly."""
    query = params.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    if drop_value:
        name, value = drop_value
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    for key in [k for k, values in query.lists() if not any(values)]:
        del query[key]
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
