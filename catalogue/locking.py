"""Example.version: optimistic locking of an example's edit form.

Not to be confused with core.public_version, the public version that caches are keyed by.

`services.stamp_example` advances the version of an example whose own form (or import row)
is saved; `bump_examples` advances it for examples changed through something else — a
partnership edited on its own, a reference row deleted — so that a form opened before such a
change is refused instead of silently writing the old state back. Both are called
explicitly: `stamp_example` by the services and imports, `bump_examples` by the admin
views that change an example through a partnership or a reference row; no signal does it.
"""

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone


def bump_examples(example_ids: Iterable[int], *, user=None) -> int:
    """Advance the version (and the last change) of these examples: one UPDATE, computed by
    the database, so that no copy loaded earlier can write an older number back."""
    from .models import Example

    ids = {pk for pk in example_ids if pk is not None}
    if not ids:
        return 0
    changes = {"version": F("version") + 1, "updated_at": timezone.now()}
    if user is not None and user.is_authenticated:
        changes["updated_by"] = user
    return Example.objects.filter(pk__in=ids).update(**changes)
