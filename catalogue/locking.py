"""Example.version (optimistic locking) kept current by every change to an example's relations.

Not to be confused with catalogue.versions, the catalogue-wide stamp that caches are keyed by.

`services.save_example` stamps an example when its own form is saved; this module bumps the
version of every example whose partnerships, domains, objectives or partnership types change
by any route — the example form's inline and lists, the partnership admin (add, change,
delete, bulk delete), `domain.examples.add/clear`, a reference row deleted, imports — so that a
form opened before such a change is refused instead of silently writing the old state back.
`bump_examples` is the one function that does it; signals and bulk writers call it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F, QuerySet
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

# Examples whose version the current write has already advanced (its own form, an import row):
# their relations, saved right after, must not count as a second change.
_stamped: ContextVar[frozenset[int]] = ContextVar("stamped_examples", default=frozenset())
# Who is writing, when the write reaches the examples only through a relation (the
# partnership admin): named as the example's last editor, as a stale-form refusal says.
_acting_user: ContextVar = ContextVar("acting_user", default=None)


@contextmanager
def already_stamped(example_ids: Iterable[int]) -> Iterator[None]:
    token = _stamped.set(_stamped.get() | {pk for pk in example_ids if pk is not None})
    try:
        yield
    finally:
        _stamped.reset(token)


@contextmanager
def acting_as(user) -> Iterator[None]:
    token = _acting_user.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _acting_user.reset(token)


def bump_examples(example_ids: Iterable[int]) -> int:
    """Advance the version (and the last change) of these examples: one UPDATE."""
    from .models import Example

    ids = {pk for pk in example_ids if pk is not None} - _stamped.get()
    if not ids:
        return 0
    changes = {"version": F("version") + 1, "updated_at": timezone.now()}
    if (user := _acting_user.get()) is not None:
        changes["updated_by"] = user
    return Example.objects.filter(pk__in=ids).update(**changes)


def connect_signals():
    from .models import (
        Domain,
        Objective,
        Partnership,
        PartnershipType,
        connect_to_example_lists,
    )

    pre_save.connect(_partnership_saving, sender=Partnership, dispatch_uid="lock-partner-move")
    post_save.connect(_partnership_saved, sender=Partnership, dispatch_uid="lock-partner")
    pre_delete.connect(_partnership_deleted, sender=Partnership, dispatch_uid="lock-unpartner")
    connect_to_example_lists(_relation_changed, prefix="lock")
    for model in (Domain, Objective, PartnershipType):
        # Deleting a reference row empties it from its examples without any m2m signal.
        pre_delete.connect(
            _reference_deleted, sender=model, dispatch_uid=f"lock-delete-{model.__name__}"
        )


def _partnership_saving(sender, instance, raw=False, **kwargs):
    # A partnership moved to another example changes both: note the one it leaves.
    if not raw and instance.pk is not None:
        instance._example_before_save = (
            sender.objects.filter(pk=instance.pk).values_list("example_id", flat=True).first()
        )


def _partnership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_examples({instance.example_id, getattr(instance, "_example_before_save", None)})


def _partnership_deleted(sender, instance, origin=None, **kwargs):
    from .models import Example

    if isinstance(origin, Example) or (isinstance(origin, QuerySet) and origin.model is Example):
        return  # the example itself is being deleted
    bump_examples([instance.example_id])


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # example.domains.add(…): that example
        if action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
            bump_examples([instance.pk])
    elif action == "pre_clear":  # domain.examples.clear(): the examples it had
        bump_examples(_examples_of(sender, instance))
    elif action in ("post_add", "post_remove"):  # domain.examples.add(…): those examples
        bump_examples(pk_set or [])


def _reference_deleted(sender, instance, **kwargs):
    bump_examples(instance.examples.values_list("pk", flat=True))


def _examples_of(through, instance):
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return through.objects.filter(**{field.name: instance.pk}).values_list(
                "example_id", flat=True
            )
    raise LookupError(through)
