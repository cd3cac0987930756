"""Building the query strings of shareable list URLs: never with an empty parameter."""

from django.http import HttpResponseRedirect, QueryDict


def without_empty(params: QueryDict) -> QueryDict:
    """`params` without the empty (or blank) values that a GET form sends for the fields
    left alone; the other values keep their order."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if filled := [value for value in values if str(value).strip()]:
            kept.setlist(key, filled)
    return kept


def redirect_without_empty(request) -> HttpResponseRedirect | None:
    """A redirect (302) to the same page without its empty parameters, if it has any: the
    list forms, sent without JavaScript, name every field, empty ones included."""
    if all(value.strip() for _, values in request.GET.lists() for value in values):
        return None
    encoded = without_empty(request.GET).urlencode()
    return HttpResponseRedirect(f"{request.path}?{encoded}" if encoded else request.path)


def query_with(params: QueryDict, *, drop_value=None, **changes) -> str:
    """`?…` from `params` with `changes` applied (None removes a key) and, if given,
    one (name, value) pair removed; the page always resets unless changed explicitly.
    Empty values are left out."""
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
    encoded = without_empty(query).urlencode()
    return f"?{encoded}" if encoded else "?"


def query_adding(params: QueryDict, **additions) -> str:
    """`?…` from `params` with each value of `additions` (one, or a list) added beside those
    already given: repeatable parameters (`type_acteur` twice asks for both)."""
    query = params.copy()
    for key, values in additions.items():
        for value in values if isinstance(values, list) else [values]:
            query.appendlist(key, str(value))
    encoded = without_empty(query).urlencode()
    return f"?{encoded}" if encoded else "?"
