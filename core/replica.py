"""Public reads on a PostgreSQL read replica (DATABASE_REPLICA_URL), everything else on the
primary (docs/scaling.md).

A read goes to the replica only where a few seconds of replication lag are harmless:
inside a public request (`ReplicaReadsMiddleware`: an anonymous GET or HEAD), for the public
apps that the project names (settings.DATABASE_REPLICA_APPS: core knows none of them),
outside any transaction on the primary (a write path reads what it is writing), and not
while `use_primary()` holds. The public version and its change log (core.models) are always
read on the primary, core not being one of those apps: they key cached pages and facet
indexes, and must never look older than a write. What is keyed by that version (a cached
page, a facet index) is built from the replica only when the replica has replayed that
version (`primary_unless_replayed`), else from the primary for that once.

The admin, logged-in visitors, the task worker and management commands read the primary.
"""

import contextvars
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

from .models import PublicVersion

PRIMARY = "default"
REPLICA = "replica"

logger = logging.getLogger(__name__)

_replica_reads = contextvars.ContextVar("replica_reads", default=False)
_pinned = contextvars.ContextVar("pinned_to_primary", default=False)


@contextmanager
def replica_reads():
    """Reads of the public apps may go to the replica (a public request)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def use_primary():
    """Every read goes to the primary, replica or not."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def _public_reads_here() -> bool:
    """Is this a public request's read, outside `use_primary()` and outside any transaction
    on the primary?"""
    return (
        _replica_reads.get()
        and not _pinned.get()
        and not transaction.get_connection(PRIMARY).in_atomic_block
    )


def reads_replica() -> bool:
    """Would a read of the public apps made here go to the replica? (Only with the router
    installed, that is with DATABASE_REPLICA_URL.)"""
    installed = any(isinstance(each, ReplicaRouter) for each in router.routers)
    return installed and _public_reads_here()


def replica_number() -> int:
    """The public version number the replica has replayed."""
    rows = PublicVersion.objects.using(REPLICA).filter(pk=1)
    return rows.values_list("number", flat=True).first() or 0


@contextmanager
def primary_unless_replayed(number: int):
    """Read from the replica only if it has replayed public version `number`, else from the
    primary: whatever is built here is keyed by `number` (a cached page, a facet index), and
    must not be built from older data. One query on the replica; a replica that does not
    answer is read around, not waited for."""
    if not reads_replica():
        yield
        return
    try:
        behind = replica_number() < number
    except DatabaseError:
        logger.warning("Réplique injoignable : lecture sur le primaire.", exc_info=True)
        connections[REPLICA].close()
        behind = True
    if behind:
        with use_primary():
            yield
    else:
        yield


class ReplicaRouter:
    """DATABASE_ROUTERS entry, installed when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label not in settings.DATABASE_REPLICA_APPS or not _public_reads_here():
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Related rows of a row read on the primary come from the primary too.
            return instance._state.db
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Lets an anonymous GET or HEAD read the replica: the pages everyone sees, which may lag a
    write by a moment. A curator, a form, the admin read the primary (their own writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
