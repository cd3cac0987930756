"""Limits on what one client, and all of them together, may ask of the exports.

Kept in Django's cache, so they hold per process with the local-memory default and for the
whole site when CACHE_URL names a shared Redis. Every key expires, so a worker killed in
the middle of an export cannot hold a place for ever.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass
class Refusal:
    """Why a request must wait, and for how long (the `Retry-After` header)."""

    reason: str  # "rate" (too many in the window) or "busy" (too many at once)
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
    `cache.add` (atomic in every backend) and given back with `release()`."""

    def __init__(self, key: str, *, size: int, hold_for: int):
        self.key, self.size, self.hold_for = key, size, hold_for
        self.taken: str | None = None

    def acquire(self) -> bool:
        for place in range(self.size):
            name = f"slot:{self.key}:{place}"
            if cache.add(name, 1, timeout=self.hold_for):
                self.taken = name
                return True
        return False

    def release(self) -> None:
        if self.taken:
            cache.delete(self.taken)
            self.taken = None
