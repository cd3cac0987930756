"""Sequential requests over one connection at a time (http.client), timed to the last byte."""

import http.client
import json
import time

from .stats import summary

HOST = "127.0.0.1"  # the only address the bench ever sends requests to
TIMEOUT = 120  # seconds a single response may take before the bench gives up


class BenchError(Exception):
    """Stops the bench with a message for the person who ran it."""


def fetch(port: int, path: str, headers=None) -> tuple[int, int, float]:
    """GET http://127.0.0.1:<port><path>: (status, body size in bytes, seconds to the last byte)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size, time.perf_counter() - started
    finally:
        connection.close()


def fetch_json(port: int, path: str):
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        if response.status != 200:
            raise BenchError(f"{path} a répondu {response.status} au lieu de 200.")
        return json.loads(response.read())
    finally:
        connection.close()


def checked(port, path, headers=None) -> tuple[int, float]:
    status, size, seconds = fetch(port, path, headers)
    if status != 200:
        raise BenchError(f"{path} a répondu {status} au lieu de 200.")
    return size, seconds


def warm(port, path, *, requests, warmup, max_seconds, headers=None, vary=False) -> dict:
    """`warmup` unrecorded requests, then up to `requests` timed ones, all within
    `max_seconds` (at least one is timed): p50/p95/p99 in seconds, and n, how many were.

    With `vary`, each request adds a parameter no page reads (`_mesure=<n>`): a new address
    each time, as a visitor's own query would be, so no cached page can answer it.
    """
    deadline = time.monotonic() + max_seconds
    for _ in range(warmup):
        checked(port, path, headers)
    durations = []
    while len(durations) < requests and (not durations or time.monotonic() < deadline):
        asked = f"{path}{'&' if '?' in path else '?'}_mesure={len(durations)}" if vary else path
        durations.append(checked(port, asked, headers)[1])
    return summary(durations)
