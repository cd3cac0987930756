"""The catalogue version: one stamp that every write to what the public sees renews.

Caches (the facet index of each worker, cached pages) are keyed by it, so a change made in
any process — the admin, an import, a command — is seen by every other process at its next
request. Signals cover the writes that go through models; bulk writers call `bump()`
themselves (through `search_index.update_search_index`, which every one of them calls).
"""

from uuid import uuid4

from django.db.models.signals import post_delete, post_save


def current() -> str:
    from .models import CatalogueVersion

    return CatalogueVersion.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def bump(**kwargs):
    """Accepts any signal's arguments, so it can be connected as it is."""
    from .models import CatalogueVersion

    if kwargs.get("raw"):
        return
    stamp = uuid4().hex
    if not CatalogueVersion.objects.filter(pk=1).update(stamp=stamp):
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"stamp": stamp})


def connect_signals():
    from territoires.models import Territory

    from .models import (
        Actor,
        Domain,
        Example,
        Objective,
        Partnership,
        PartnershipType,
        connect_to_example_lists,
    )

    for model in (Example, Partnership, Actor, Domain, Objective, PartnershipType, Territory):
        post_save.connect(bump, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"version-delete-{model.__name__}")
    connect_to_example_lists(_relation_changed, prefix="version")


def _relation_changed(action, **kwargs):
    if action.startswith("post_"):
        bump()
