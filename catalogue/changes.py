"""The one write path: every write says what it changes, and its derived data is done once.

Every write to the catalogue — admin forms and actions, imports, proposals, management
commands, reference data — runs inside `writing()` (the services open it; an admin view or a
command may open it around several of them: they then share it). Before changing examples,
a writer names them (`change.examples(ids)`), so that what the public saw of them is read
first; new and deleted examples are named with `created()` and `deleted()`; a change of
reference lists, or a bulk load, with `rebuild()`.

At the end of the block, in the same transaction, `Change.finish()`:

1. recomputes the search documents of the named examples, in one bulk pass;
2. if an example that was or is now published changed (or a reference list), renews the
   public version and writes one change-log row (core.public_version) with the examples,
   actors and territories to read again, and those taken down (unpublished, archived or
   deleted: copies made before, such as export files and the open-data archive, are
   withdrawn). Drafts, proposals and archived examples leave the
   version — and so every cached page and facet index — untouched.

Since the version commits with the data, a page that reads the new version reads the new
data, and a page rendered from older data is cached under the older version, which is
never served again. Facet indexes follow the change log (catalogue.facets).

No signal receiver keeps derived data; the only signal the catalogue listens to is
`connection_created`, to register SQLite's French collation (Django has no other hook).
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from core import public_version

from . import search_index
from .choices import ExampleStatus

_open: ContextVar["Change | None"] = ContextVar("catalogue_change", default=None)
# Called once the write has committed, with the ids of the examples it took down from the
# public: the apps that keep copies register here (opendata withdraws its archive).
after_takedown: list[Callable[[set[int]], None]] = []
CHUNK = 10_000


class Change:
    """What one write changes, gathered until it ends."""

    def __init__(self):
        self.named: set[int] = set()  # examples whose public state is compared after
        self.reindex: set[int] = set()
        self.removed: set[int] = set()
        self.private: set[int] = set()  # named with public=False, and only so
        self.public_before: set[int] = set()
        self.actors: set[int] = set()
        self.territories: set[int] = set()
        self.full = False

    def examples(self, ids: Iterable[int], *, document: bool = True, public: bool = True):
        """Examples about to change (call it before writing them). `document=False` when the
        write touches nothing of their search document (a status, a verification date);
        `public=False` when it touches nothing the public sees."""
        ids = {pk for pk in ids if pk is not None}
        new = ids - self.named
        if new:
            self._read_public(new, into_before=True)
            self.named |= new
            if not public:
                self.private |= new
        if public:
            self.private -= ids
        if document:
            self.reindex |= ids

    def created(self, ids: Iterable[int]):
        """Examples just created (nothing of them was public before)."""
        ids = {pk for pk in ids if pk is not None}
        self.named |= ids
        self.reindex |= ids

    def deleted(self, ids: Iterable[int]):
        """Examples about to be deleted."""
        ids = set(ids)
        self.examples(ids, document=False)
        self.removed |= ids

    def rebuild(self, *, reindex: Iterable[int] = ()):
        """Reference lists changed, or examples were loaded in bulk: every facet index is
        rebuilt; `reindex`, the examples whose documents must be recomputed."""
        self.full = True
        self.reindex |= set(reindex)

    def actor_changed(self, actor_id: int, example_ids: Iterable[int]):
        """An actor renamed or retyped: its examples' documents and facets, its page."""
        self.examples(example_ids)
        self.actors.add(actor_id)

    def discard(self):
        """What was named was rolled back (a savepoint): nothing to do at the end."""
        self.__init__()

    def finish(self):
        if self.reindex - self.removed:
            search_index.update_search_index(self.reindex - self.removed)
        search_index.forget(sorted(self.removed))
        if self.full:
            public_version.renew(full=True)
            return
        compared = self.named - self.private - self.removed
        after = self._read_public(compared, into_before=False) if compared else set()
        before = self.public_before - self.private
        if before | after:
            public_version.renew(
                examples=before | after,
                actors=self.actors,
                territories=self.territories,
                withdrawn=before - after,
            )
        if withdrawn := before - after:
            for callback in after_takedown:
                transaction.on_commit(lambda callback=callback: callback(withdrawn))

    def _read_public(self, ids, *, into_before: bool) -> set[int]:
        """Of these examples, the published ones; their actors and territories are noted
        (the home page counts them)."""
        from .models import Example, Partnership

        ids, published = sorted(ids), {}
        # In chunks: SQLite takes at most 32,766 parameters in a query.
        for start in range(0, len(ids), CHUNK):
            rows = Example.objects.filter(
                pk__in=ids[start : start + CHUNK], status=ExampleStatus.PUBLIE
            )
            published.update(rows.order_by().values_list("pk", "territory_id"))
        self.territories |= set(published.values())
        found = sorted(published)
        for start in range(0, len(found), CHUNK):
            partners = Partnership.objects.filter(example_id__in=found[start : start + CHUNK])
            self.actors |= set(partners.order_by().values_list("actor_id", flat=True))
        if into_before:
            self.public_before |= set(published)
        return set(published)


def open_change() -> Change | None:
    """The write open in this context, if any."""
    return _open.get()


@contextmanager
def writing() -> Iterator[Change]:
    """Open the write of this transaction, or join the one already open."""
    change = _open.get()
    if change is not None:
        yield change
        return
    change = Change()
    token = _open.set(change)
    try:
        with transaction.atomic():
            yield change
            change.finish()
    finally:
        _open.reset(token)
