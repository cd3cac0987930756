"""Limits on what one client, and all of them together, may ask of the exports and of the
admin login.

Export limits are kept in Django's cache, so they hold per process with the local-memory
default and for the whole site when CACHE_URL names a shared Redis. A place is held for
EXPORT_SLOT_SECONDS and renewed while its export runs, so a worker killed in the middle of
an export gives it back within that time. Login failures are counted by django-axes in the
database.
"""

import math
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class Refusal:
    """Why a request must wait, and for how long (the `Retry-After` header)."""

    # "rate" (too many in the window), "client-busy" / "busy" (too many at once for the
    # client / the site), "client-queue" / "queue" (too many queued for the client / the site)
    reason: str
    retry_after: int


def count_in_window(key: str, *, limit: int, window: int) -> Refusal | None:
    """Count one more request under `key` in the current fixed window of `window` seconds;
    a refusal once `limit` have been counted in it."""
    now = int(time.time())
    start = now - now % window
    window_key = f"rate:{key}:{start}"
    cache.add(window_key, 0, timeout=window)
    try:
        count = cache.incr(window_key)
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(window_key, 1, timeout=window)
        count = 1
    if count > limit:
        return Refusal("rate", max(1, start + window - now))
    return None


class Slots:
    """At most `size` holders at once under `key`: one cache key per place, taken with
    `cache.add` (atomic in every backend), held `hold_for` seconds unless renewed, and
    given back with `release()`. A place's value says until when it is held, so a refusal
    can say when the first one comes free."""

    def __init__(self, key: str, *, size: int, hold_for: int):
        self.key, self.size, self.hold_for = key, size, hold_for
        self.taken: str | None = None
        self.token = uuid.uuid4().hex

    def _names(self):
        return [f"slot:{self.key}:{place}" for place in range(self.size)]

    def acquire(self) -> bool:
        for name in self._names():
            if cache.add(name, (self.token, time.time() + self.hold_for), timeout=self.hold_for):
                self.taken = name
                return True
        return False

    def renew(self) -> None:
        """Hold the place `hold_for` seconds more, if it is still ours."""
        if self.taken and self._held_by_us():
            cache.set(self.taken, (self.token, time.time() + self.hold_for), timeout=self.hold_for)

    def release(self) -> None:
        if self.taken and self._held_by_us():
            cache.delete(self.taken)
        self.taken = None

    def _held_by_us(self) -> bool:
        value = cache.get(self.taken)
        return isinstance(value, tuple) and value[0] == self.token

    def seconds_until_free(self) -> int:
        """When the first place comes free if its holder stops renewing it: the truthful
        Retry-After of a refusal."""
        now = time.time()
        ends = [
            value[1] for value in cache.get_many(self._names()).values() if isinstance(value, tuple)
        ]
        return max(1, math.ceil(min(ends, default=now + 1) - now))


# --- Admin login (django-axes) ---------------------------------------------------------------


def login_failures(request, credentials) -> tuple[int, int]:
    """Failed logins within the cool-off: from the request's address whatever the username,
    and for its username from that address (AXES_LOCKOUT_PARAMETERS, in that order)."""
    from axes.handlers.proxy import AxesProxyHandler

    by_address, by_account = (
        attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        for attempts in AxesProxyHandler.get_implementation().get_user_attempts(
            request, credentials
        )
    )
    return by_address, by_account


def login_failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: django-axes compares the larger count (the address's) with one
    limit, so the account's own limit is expressed by lowering it once the account is over."""
    _by_address, by_account = login_failures(request, credentials)
    if by_account >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


def login_lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the account's lockout page, or the address's when the address
    as a whole is over its limit."""
    from .security import lockout_response

    _by_address, by_account = login_failures(request, credentials)
    if by_account >= settings.LOGIN_FAILURE_LIMIT:
        return lockout_response(request, original_response, credentials)
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    retry_at = timezone.localtime() + settings.AXES_COOLOFF_TIME
    message = _(
        "Trop de tentatives de connexion échouées depuis votre adresse (%(count)d en "
        "%(minutes)d minutes, tous identifiants confondus) : toute connexion depuis cette "
        "adresse est bloquée pendant %(minutes)d minutes. Réessayez après %(time)s."
    ) % {
        "count": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "minutes": max(1, seconds // 60),
        "time": retry_at.strftime("%H:%M"),
    }
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion temporairement bloquée"),
        "message": message,
    }
    response = render(request, "admin/login_locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
