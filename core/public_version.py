"""The public version of the catalogue: what cached pages and facet indexes are keyed by.

Not to be confused with `Example.version`, one example's edit counter for optimistic locking
(catalogue.locking): this one counts the changes of what the public sees, across the site.

It is renewed by `renew()`, which only catalogue.changes calls, at the end of a write and in
its transaction, and only when what the public sees changed: a page that reads the new
version reads the new data, and a page rendered from the old data is cached under the old
version, which nobody asks for again. Each renewal is also a row of the change log, so a
worker brings its facet index up to date from the examples that changed. The log holds ids
only: core knows nothing of the catalogue's models.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from uuid import uuid4

from django.db import transaction

from .models import PublicChange, PublicVersion

# Change rows kept: a worker (or a snapshot) further behind than this rebuilds its index.
KEPT_CHANGES = 10_000


# The version a public page is being rendered at (`pinned`), if any.
_pinned: ContextVar[tuple[int, str] | None] = ContextVar("public_version_pinned", default=None)


def state() -> tuple[int, str]:
    """(number, stamp) of the public version, in one query (none inside `pinned`)."""
    pinned_state = _pinned.get()
    if pinned_state is not None:
        return pinned_state
    row = PublicVersion.objects.filter(pk=1).values_list("number", "stamp").first()
    return row or (0, "")


@contextmanager
def pinned(version: tuple[int, str]):
    """Inside, `state()` answers `version` without a query: core.page_cache renders a page
    at the version it caches it under, and every read of the page (the FilterSet's reference
    lists, the facet index) agrees with that version at no further cost."""
    token = _pinned.set(version)
    try:
        yield
    finally:
        _pinned.reset(token)


def current() -> str:
    """The stamp that cached pages are keyed by."""
    return state()[1]


def renew(*, examples=(), actors=(), territories=(), withdrawn=(), full=False) -> int:
    """Advance the public version and log what changed (ids of examples, actors and
    territories); returns the new number. Called in the writer's transaction
    (catalogue.changes), at its end.

    The version row stays locked until that transaction ends, so two writers commit their
    numbers in order and no worker can read number n + 1 before n is visible.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("public_version.renew() belongs to a write's transaction.")
    rows = PublicVersion.objects.select_for_update().filter(pk=1)
    number = (rows.values_list("number", flat=True).first() or 0) + 1
    stamp = uuid4().hex
    if not rows.update(number=number, stamp=stamp):
        PublicVersion.objects.create(pk=1, number=number, stamp=stamp)
    PublicChange.objects.create(
        number=number,
        stamp=stamp,
        examples=[] if full else sorted(examples),
        actors=[] if full else sorted(actors),
        territories=[] if full else sorted(territories),
        withdrawn=bool(withdrawn),
        full=full,
    )
    if number % 1000 == 0:
        PublicChange.objects.filter(number__lte=number - KEPT_CHANGES).delete()
    return number


def changes_between(start: int, end: int):
    """The change-log rows numbered `start` to `end`, both included, in order."""
    return PublicChange.objects.filter(number__gte=start, number__lte=end).order_by("number")


def withdrawn_since(number: int) -> bool:
    """Was an example taken down from the public after version `number` (unpublished,
    archived, deleted)? Then a copy made at that version may show it: it is withdrawn. When
    the log no longer reaches back that far, the answer is yes."""
    current = state()[0]
    if current == number:
        return False
    kept = PublicChange.objects.filter(number__gt=number, number__lte=current)
    if kept.count() != current - number:
        return True
    return kept.filter(withdrawn=True).exists()
