"""What a write costs the visitors, through gunicorn: a curator's save, then an import that
updates 1,000 examples, each between two series of requests that no page cache can answer.

Each worker keeps its own facet index and brings it up to date on its first request after
the public version moved; gunicorn's access log (`%(p)s`, the worker's pid) says which worker
served each request, so the first request of *each worker* after the write is compared with
the p50 of the same page before it. A reader thread also times the pages while the write runs.
"""

import threading
import time
from pathlib import Path
from statistics import median
from urllib.parse import parse_qs

from .stats import percentile
from .timing import checked

ROUNDS = 4  # each page this many times before and after a write (about 8 per worker)
# gunicorn's access log: worker pid, query string, time in ms (servers.gunicorn).
ACCESS_LOG_FORMAT = "%(p)s %(M)s %(q)s"


def fresh(path: str, tag: str) -> str:
    """`path` with a parameter no page reads: an address nobody asked for before."""
    return f"{path}{'&' if '?' in path else '?'}_mesure={tag}"


def timed(port, label, path, tag) -> tuple[str, str, float, float]:
    """One fresh request: (its tag, the page label, when it started, seconds it took)."""
    started = time.perf_counter()
    return tag, label, started, checked(port, fresh(path, tag))[1]


def series(port, pages: dict, tag: str) -> list[tuple[str, str, float, float]]:
    """ROUNDS rounds over the pages, each request as `timed` gives it."""
    return [
        timed(port, label, path, f"{tag}-{round_}-{number}")
        for round_ in range(ROUNDS)
        for number, (label, path) in enumerate(pages.items())
    ]


class Reader(threading.Thread):
    """Requests the pages in turn until stopped: what a visitor waits for during a write."""

    def __init__(self, port, pages: dict, tag: str):
        super().__init__(daemon=True)
        self.port, self.pages, self.tag = port, list(pages.items()), tag
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str, float, float]] = []
        self.error: Exception | None = None

    def run(self):
        try:
            while not self.stopping.is_set():
                number = len(self.requests)
                label, path = self.pages[number % len(self.pages)]
                self.requests.append(timed(self.port, label, path, f"{self.tag}-{number}"))
        except Exception as error:  # reported by measure(), never lost in the thread
            self.error = error


def workers_by_tag(access_log: Path, offset: int) -> dict[str, int]:
    """{request tag: worker pid} for the requests logged after `offset` bytes."""
    with open(access_log, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        lines = log.read().splitlines()
    tags = {}
    for line in lines:
        pid, _ms, query = [*line.split(" ", 2), "", ""][:3]
        for tag in parse_qs(query).get("_mesure", []):
            tags[tag] = int(pid.strip("<>"))
    return tags


def measure(port, pages: dict, access_log: Path, name: str, write, *, read_during=True) -> dict:
    """Time `pages` (label: path) before `write()`, during it (unless `read_during` is false:
    a save takes a few milliseconds) and after it; `write` returns how many examples it wrote.

    A request sent during the write but answered after its commit may be the one that brings
    its worker up to date: it then counts among those "during", not as that worker's first
    one after, which the table says."""
    before = series(port, pages, f"{name}-avant")
    baseline = {label: median(r[3] for r in before if r[1] == label) for label in pages}
    reader = Reader(port, pages, f"{name}-pendant")
    offset = access_log.stat().st_size
    if read_during:
        reader.start()
    started = time.perf_counter()
    try:
        written = write()
    finally:
        finished = time.perf_counter()
        reader.stopping.set()
        if read_during:
            reader.join()
    if reader.error:
        raise reader.error
    during = [r for r in reader.requests if r[2] < finished]
    # Every request sent once the write had committed, the reader's last ones included.
    after = [r for r in reader.requests if r[2] >= finished]
    after += series(port, pages, f"{name}-apres")
    time.sleep(0.5)  # the workers' last access-log lines
    pids = workers_by_tag(access_log, offset)
    firsts = {}
    for tag, label, _started, seconds in after:  # in the order they were sent
        pid = pids.get(tag)
        if pid is not None and pid not in firsts:
            firsts[pid] = {"page": label, "ms": seconds * 1000,
                           "extra_ms": (seconds - baseline[label]) * 1000}  # fmt: skip
    return {
        "write": name,
        "written": written,
        "write_ms": (finished - started) * 1000,
        "during": summary_ms([r[3] for r in during]),
        "before_p95_ms": percentile([r[3] for r in before], 95) * 1000,
        "first_round_p95_ms": percentile([r[3] for r in after[: len(pages)]], 95) * 1000,
        "workers": list(firsts.values()),
        "max_extra_ms": max((w["extra_ms"] for w in firsts.values()), default=None),
    }


def summary_ms(seconds: list[float]) -> dict | None:
    if not seconds:
        return None
    return {
        "n": len(seconds),
        "p50": percentile(seconds, 50) * 1000,
        "p95": percentile(seconds, 95) * 1000,
        "max": max(seconds) * 1000,
    }
