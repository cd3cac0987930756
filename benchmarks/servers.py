"""The servers under test, each in its own process group on 127.0.0.1, stopped however the
bench ends; a server that does not answer in time stops the bench with the end of its log."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .freshness import ACCESS_LOG_FORMAT
from .timing import HOST, BenchError, fetch

# One more sync worker than cores: PostgreSQL shares the 2 cores, so a third worker keeps
# both busy while another waits on the database; the usual 2 × cores + 1 assumes a database
# on another machine and would only add context switches here.
GUNICORN_WORKERS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(name, command, *, port, probe, log_path: Path, env=None, start_timeout=60):
    """Run `command` until the block ends, once GET `probe` has answered 200."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            wait_until_ready(name, process, port, probe, log_path, start_timeout)
            yield process
        finally:
            stop(process)


def wait_until_ready(name, process, port, probe, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{name} s'est arrêté au démarrage ({process.returncode}).\n"
                             f"{tail(log_path)}")  # fmt: skip
        with contextlib.suppress(OSError):
            if fetch(port, probe)[0] == 200:
                return
        time.sleep(0.3)
    raise BenchError(f"{name} ne répond pas sur {HOST}:{port}{probe} après {timeout} s.\n"
                     f"{tail(log_path)}")  # fmt: skip


def stop(process, grace=10):
    """TERM to the whole process group (gunicorn's workers too), KILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tail(path: Path, lines=30) -> str:
    text = path.read_text(errors="replace").splitlines() if path.exists() else []
    return "\n".join([*(f"  | {line}" for line in text[-lines:]), f"(journal complet : {path})"])


def gunicorn(port: int, log_path: Path, *, secret_key: str, access_log: Path):
    """The application as in production: DEBUG off, WSGI through gunicorn's sync workers;
    `access_log` names the worker that served each request (benchmarks/freshness.py)."""
    env = os.environ | {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "gunicorn", "impact_alliances.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(GUNICORN_WORKERS),
        "--worker-class", "sync", "--timeout", "120", "--graceful-timeout", "5",
        "--log-level", "warning",
        "--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT,
    ]  # fmt: skip
    return running("gunicorn", command, port=port, probe="/healthz", log_path=log_path, env=env)


def datasette(port: int, database: Path, log_path: Path):
    """Datasette on the SQLite copy, with time limits that let every facet finish, no
    suggested facets (extra queries our list does not make) and our page size."""
    command = [
        sys.executable, "-m", "datasette", "serve", "-i", str(database),
        "-h", HOST, "-p", str(port),
        "--setting", "sql_time_limit_ms", "20000",
        "--setting", "facet_time_limit_ms", "20000",
        "--setting", "suggest_facets", "off",
        "--setting", "default_page_size", "25",
    ]  # fmt: skip
    return running("Datasette", command, port=port, probe="/-/versions.json", log_path=log_path)


def peak_rss_mb(parent_pid: int) -> float | None:
    """The largest peak resident memory (VmHWM) among the children of `parent_pid`: for
    gunicorn, its busiest worker so far. None where /proc is not there."""
    peak = None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != parent_pid:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak or 0, int(line.split()[1]) / 1024)
    return peak
