"""The login flood phase: admin logins from one address against the lockout."""

import contextlib
import os
import re
import secrets
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..stats import summary
from ..timing import HOST
from .client import Watcher, request, with_csrf_cookie
from .visitors import Tally

LOGIN_RATE = 5  # attempts per second from the flooding address
LOGIN_SECONDS = 40


def cpu_seconds(parent_pid):
    """Processor time (user + system) used so far by the children of `parent_pid`: for
    gunicorn, its workers."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent_pid:
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def hash_seconds():
    """Processor time of one password hash with the site's hasher (PBKDF2)."""
    from django.contrib.auth.hashers import make_password

    started = time.process_time()
    make_password(secrets.token_hex(8))
    return time.process_time() - started


def login_flood(port, *, address, server_pid, rate=LOGIN_RATE, seconds=LOGIN_SECONDS,
                baseline=5):  # fmt: skip
    """Admin logins with random usernames from one address, `rate` a second for `seconds`,
    while /healthz is polled every 200 ms (also `baseline` seconds before, alone). What
    reached the password hasher: the failed logins answered with the form (200), and the
    gunicorn workers' processor time over one hash's."""
    calm = Watcher(port, every=0.2)
    calm.start()
    time.sleep(baseline)
    figures = {"healthz_alone": calm.stop()}
    headers = {"X-Real-IP": address}
    _, answer, page, _ = request(port, "GET", "/admin/login/", headers=headers)
    cookie = with_csrf_cookie("", answer).lstrip("; ")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    tally, latencies, locked = Tally(), [], []
    cpu_before = cpu_seconds(server_pid)

    def attempt():
        fields = [("csrfmiddlewaretoken", token), ("username", f"x-{secrets.token_hex(4)}"),
                  ("password", secrets.token_hex(8)), ("next", "/admin/")]  # fmt: skip
        status, _, _, took = request(
            port, "POST", "/admin/login/?next=/admin/", body=urllib.parse.urlencode(fields),
            headers={**headers, "Cookie": cookie,
                     "Content-Type": "application/x-www-form-urlencoded",
                     "Referer": f"http://{HOST}:{port}/admin/login/"},
        )  # fmt: skip
        tally.add("connexion", status)
        latencies.append(took)
        if status == 429:
            locked.append(time.monotonic())

    watcher = Watcher(port, every=0.2)
    watcher.start()
    started, attempts = time.monotonic(), int(rate * seconds)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for n in range(attempts):
            time.sleep(max(0, started + n / rate - time.monotonic()))
            pool.submit(attempt)
    counts, cpu, one_hash = tally.counts, cpu_seconds(server_pid) - cpu_before, hash_seconds()
    return figures | {
        "attempts": attempts,
        "seconds": time.monotonic() - started,
        "statuses": counts,
        "hashed": counts.get("connexion 200", 0),
        "refused": counts.get("connexion 429", 0),
        "server_cpu_s": cpu,
        "hash_cpu_s": one_hash,
        "attempt_ms": {k: v * 1000 for k, v in summary(latencies).items() if k != "n"},
        "healthz": watcher.stop(),
        "locked_after_s": min(locked) - started if locked else None,
        "healthz_once_locked": watcher.figures(since=min(locked)) if locked else None,
    }
