"""The pieces of `make reliability`: a /healthz watcher, a download that follows a queued
export, the curators and readers of the SQLite phase, and the worker-kill, OOM-sized export
and login-flood phases with their supervised task worker. Every request goes to 127.0.0.1,
every loop is bounded by a deadline."""

import contextlib
import http.client
import os
import re
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .stats import summary
from .timing import HOST

TIMEOUT = 60  # seconds one request may take before it counts as failed


def request(port, method, path, *, headers=None, body=None):
    """(status, headers, body bytes, seconds); status 0 when the connection failed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response.status, dict(response.getheaders()), content, time.perf_counter() - started
    except OSError:
        return 0, {}, b"", time.perf_counter() - started
    finally:
        connection.close()


class Watcher(threading.Thread):
    """GET /healthz every `every` seconds until stopped: latencies, failures, and when the
    application stopped and started answering again."""

    def __init__(self, port, every=0.2):
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.stopped = threading.Event()
        self.latencies, self.times, self.failures = [], [], 0
        self.first_failure = self.recovered = None

    def run(self):
        while not self.stopped.is_set():
            status, _, _, seconds = request(self.port, "GET", "/healthz")
            now = time.monotonic()
            self.latencies.append(seconds)
            self.times.append(now)
            if status != 200:
                self.failures += 1
                self.first_failure = self.first_failure or now
                self.recovered = None
            elif self.first_failure and self.recovered is None:
                self.recovered = now
            self.stopped.wait(self.every)

    def stop(self):
        self.stopped.set()
        self.join()
        return self.figures()

    def figures(self, since=None):
        """Checks, failures and latencies (ms), of the checks from `since` if given."""
        latencies = [s for s, t in zip(self.latencies, self.times, strict=True)
                     if since is None or t >= since]  # fmt: skip
        return {
            "checks": len(latencies),
            "failures": self.failures if since is None else None,
            **{f"{k}_ms": v * 1000 for k, v in summary(latencies).items() if k != "n"},
            "max_ms": max(latencies, default=0) * 1000,
        }


def export(port, path, address, *, deadline):
    """One visitor's export: the file when it streams, or the queued job followed to its
    file. (outcome, status, bytes, seconds)."""
    headers = {"X-Real-IP": address}
    started = time.perf_counter()
    status, answer, body, _ = request(port, "GET", path, headers=headers)
    if status == 302:
        job = answer["Location"]
        while time.monotonic() < deadline:
            status, _, page, _ = request(port, "GET", job, headers=headers)
            text = page.decode()
            if status != 200 or any(word in text for word in ("prêt", "échoué", "interrompu")):
                break
            time.sleep(1)
        status, _, body, _ = request(port, "GET", job + "fichier", headers=headers)
        outcome = "fichier écrit par le worker"
    else:
        outcome = "fichier servi dans la requête" if status == 200 else "refusé"
    return outcome, status, len(body), time.perf_counter() - started


class FormReader(HTMLParser):
    """The fields of the form `form_id`: what a browser would send back."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "option":
            if self.select is not None and "selected" in attrs:
                self.fields.append((self.select, attrs.get("value", "")))
        elif "name" not in attrs:
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


@dataclass
class Tally:
    """What a group of clients saw, by kind of request and status."""

    counts: dict = field(default_factory=dict)
    locked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind, status, body=b""):
        with self.lock:
            key = f"{kind} {status}"
            self.counts[key] = self.counts.get(key, 0) + 1
            if b"database is locked" in body:
                self.locked += 1


def reader(port, paths, tally, deadline):
    index = 0
    while time.monotonic() < deadline:
        status, _, body, _ = request(port, "GET", paths[index % len(paths)])
        tally.add("lecture", status, body)
        index += 1


def curator(port, cookie, example_ids, tally, deadline, number):
    """Save an example's change form with a new summary; every third turn, run an admin
    action on a few examples; as a curator in a browser would."""
    turn = 0
    while time.monotonic() < deadline:
        example = example_ids[(number * 7 + turn) % len(example_ids)]
        path = f"/admin/catalogue/example/{example}/change/"
        status, answer, page, _ = request(port, "GET", path, headers={"Cookie": cookie})
        cookie = with_csrf_cookie(cookie, answer)
        tally.add("formulaire", status, page)
        if status == 200:
            form = FormReader("example_form")
            form.feed(page.decode())
            summary_text = f"Résumé modifié par la mesure ({number}, {turn})."
            fields = [(k, summary_text if k == "summary" else v) for k, v in form.fields]
            status, _, body, _ = post(port, path, fields, cookie)
            saved = status == 302 or (status == 200 and b"errornote" not in body)
            tally.add("enregistrement", status if saved else f"{status} refusé", body)
        if turn % 3 == 2:
            status, _, page, _ = request(
                port, "GET", "/admin/catalogue/example/", headers={"Cookie": cookie}
            )
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if token:
                chosen = example_ids[turn % len(example_ids) :][:5]
                fields = [("csrfmiddlewaretoken", token.group(1).decode()),
                          ("action", "mark_verified"), ("index", "0")]  # fmt: skip
                fields += [("_selected_action", str(pk)) for pk in chosen]
                status, _, body, _ = post(port, "/admin/catalogue/example/", fields, cookie)
                tally.add("action", status, body)
        turn += 1


def with_csrf_cookie(cookie, answer):
    """The cookie header with the CSRF cookie a page has just set, as a browser keeps it."""
    match = re.search(r"csrftoken=([^;]+)", answer.get("Set-Cookie", ""))
    if match and "csrftoken=" not in cookie:
        return f"{cookie}; csrftoken={match.group(1)}"
    return cookie


def post(port, path, fields, cookie):
    token = dict(fields).get("csrfmiddlewaretoken", "")
    csrf = re.search(r"csrftoken=([^;]+)", cookie)
    return request(
        port,
        "POST",
        path,
        body=urllib.parse.urlencode(fields),
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}{path}",
            "X-CSRFToken": token or (csrf.group(1) if csrf else ""),
        },
    )


def multipart(fields, files):
    """A multipart/form-data body: (content type, bytes)."""
    boundary = "----fiabilite-impact-alliances"
    parts = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (file_name, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def import_through_admin(port, cookie, file_name, content, *, deadline):
    """A curator's import of a whole file: preview, confirmation, then the follow-up page
    until it ends. The seconds of each step and the final sentence."""
    figures, follow = confirm_import(port, cookie, file_name, content)
    if follow is None:
        return figures
    return figures | follow_import(port, cookie, follow, deadline=deadline)


def confirm_import(port, cookie, file_name, content):
    """The preview and the confirmation of an import: (figures, follow-up page path, or
    None when the preview offered no confirmation)."""
    figures = {}
    page_path = "/admin/catalogue/example/import/"
    status, answer, page, _ = request(port, "GET", page_path, headers={"Cookie": cookie})
    cookie = with_csrf_cookie(cookie, answer)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    content_type, body = multipart(
        [("csrfmiddlewaretoken", token), ("resource", "0"), ("format", "0")],
        {"import_file": (file_name, content)},
    )
    status, _, page, seconds = request(
        port, "POST", page_path, body=body,
        headers={"Cookie": cookie, "Content-Type": content_type},
    )  # fmt: skip
    figures["preview_status"], figures["preview_seconds"] = status, seconds
    confirm = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.decode())
    if "import_file_name" not in dict(confirm):
        figures["outcome"] = "aperçu sans confirmation possible"
        return figures, None
    status, answer, _, seconds = post(port, "/admin/catalogue/example/process_import/",
                                      confirm, cookie)  # fmt: skip
    figures["confirm_status"], figures["confirm_seconds"] = status, seconds
    return figures, answer.get("Location") or None


IMPORT_ENDED = re.compile(
    r"(Import (?:terminé|annulé)[^<]*|La confirmation a (?:échoué|été interrompue))"
)


def follow_import(port, cookie, follow, *, deadline):
    """The import's follow-up page, reloaded every second until it says how it ended."""
    figures = {}
    started = time.monotonic()
    while time.monotonic() < deadline:
        status, _, page, _ = request(port, "GET", follow, headers={"Cookie": cookie})
        ended = IMPORT_ENDED.search(page.decode())
        if status != 200 or ended:
            figures["outcome"] = ended.group(1) if ended else f"suivi : {status}"
            break
        time.sleep(1)
    figures["worker_seconds"] = time.monotonic() - started
    return figures


# --- Worker kill, OOM-sized export, login flood ------------------------------------------

PHASES = ("load", "restart", "exports", "import", "sqlite", "kill", "oom", "login")
WORKER_ID = "mesure-1"
# systemd's Restart=always waits RestartSec (100 ms by default) before starting again; one
# second keeps a crashing worker from spinning on these 2 cores.
RESTART_SECONDS = 1
KILL_AFTER_SECONDS = 1.0  # how long a job has been running when its worker is killed
KILL_IMPORT_ROWS = 4000  # a confirmation of a few seconds in the worker
# Address space the OOM phase's worker may add to what it holds idle, per exported row:
# about half of what an ODS file needs (872 MB at 20,000 rows, about 44 KB a row).
OOM_HEADROOM_PER_ROW = 20_000
LOGIN_RATE = 5  # attempts per second from the flooding address
LOGIN_SECONDS = 40
FINAL = ("SUCCESSFUL", "FAILED")


def parse_phases(text):
    """The phases `--phases` names ("kill,oom", "all" or empty for all), in running order;
    ValueError for a name that is not a phase."""
    chosen = [name.strip() for name in (text or "").split(",") if name.strip()]
    if not chosen or chosen == ["all"]:
        return PHASES
    unknown = sorted(set(chosen) - set(PHASES))
    if unknown:
        raise ValueError(f"phase(s) inconnue(s) : {', '.join(unknown)} ; au choix : "
                         f"{', '.join(PHASES)}")  # fmt: skip
    return tuple(name for name in PHASES if name in chosen)


def wait_for(condition, timeout, every=0.2):
    """Call `condition` until it returns something true or `timeout` seconds have passed:
    (its last value, seconds waited)."""
    started = time.monotonic()
    while True:
        value = condition()
        waited = time.monotonic() - started
        if value or waited >= timeout:
            return value, waited
        time.sleep(every)


def vm_size(pid, field="VmSize"):
    """The address space (VmSize) or resident memory (VmRSS) of process `pid`, in bytes;
    None once it has gone."""
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return None


class SupervisedWorker(threading.Thread):
    """The task worker as the systemd unit of docs/deployment.md runs it: `fail_stale_jobs
    --worker-id` first (ExecStartPre), then `db_worker --worker-id`, started again after it
    exits (Restart=always); each start may be held to an address-space limit (RLIMIT_AS,
    as `prlimit --as`), or killed when its resident memory passes a limit, as the kernel's
    OOM killer does under systemd's MemoryMax=. `events` keeps when each step happened
    (time.monotonic())."""

    def __init__(self, log_path, env, *, worker_id=WORKER_ID):
        super().__init__(daemon=True)
        self.log_path, self.env, self.worker_id = log_path, env, worker_id
        self.stopping, self.running = threading.Event(), threading.Event()
        self.process, self.restarts, self.memory_limit = None, 0, None
        self.resident_limit = None
        self.events = []

    def note(self, what):
        self.events.append((time.monotonic(), what))

    def first_after(self, what, moment):
        """When the first event `what` came after `moment`; None if none yet."""
        return next((t for t, w in self.events if w == what and t >= moment), None)

    def _limit(self):  # in the child, before exec
        if self.memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_limit, self.memory_limit))

    def run(self):
        manage = [sys.executable, "manage.py"]
        with open(self.log_path, "a") as log:
            while not self.stopping.is_set():
                subprocess.run(
                    [*manage, "fail_stale_jobs", "--worker-id", self.worker_id],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env=self.env, timeout=120, check=False,
                )  # fmt: skip
                self.note("swept")
                if self.stopping.is_set():
                    return
                self.process = subprocess.Popen(
                    [*manage, "db_worker", "--interval", "1", "--worker-id", self.worker_id],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env=self.env, start_new_session=True, preexec_fn=self._limit,
                )  # fmt: skip
                self.note("started")
                self.running.set()
                code = self.process.wait()
                self.running.clear()
                self.note(f"exited {code}")
                if self.stopping.wait(RESTART_SECONDS):
                    return
                self.restarts += 1

    def settled(self, timeout=30, field="VmSize"):
        """Wait for the running worker to have loaded Django (its address space steady for
        a second); its size then (`field` of /proc/<pid>/status), or None."""
        self.running.wait(timeout)
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline and self.process is not None:
            size = vm_size(self.process.pid, field)
            if size is not None and size == last:
                return size
            last = size
            time.sleep(1)
        return last

    def kill(self):
        """kill -9 of the running worker; when."""
        self.note("killed")
        os.kill(self.process.pid, signal.SIGKILL)
        return time.monotonic()

    def restart(self, timeout=60):
        """SIGTERM to the idle worker, as `systemctl restart`; back once started again."""
        self.running.wait(timeout)
        asked = time.monotonic()
        self.process.terminate()
        wait_for(lambda: self.first_after("started", asked), timeout)

    def limit_memory(self, headroom):
        """Hold the worker, now and at each restart, to its idle address space plus
        `headroom` bytes: (idle size, limit)."""
        idle = self.settled()
        self.memory_limit = idle + headroom
        resource.prlimit(self.process.pid, resource.RLIMIT_AS, (self.memory_limit,) * 2)
        return idle, self.memory_limit

    def limit_resident(self, headroom):
        """SIGKILL the worker, now and after each restart, once its resident memory passes
        its idle size plus `headroom` bytes (checked every 50 ms): (idle size, limit)."""
        idle = self.settled(field="VmRSS")
        self.resident_limit = limit = idle + headroom
        threading.Thread(target=self._oom_killer, args=(limit,), daemon=True).start()
        return idle, limit

    def _oom_killer(self, limit):
        while self.resident_limit == limit and not self.stopping.is_set():
            process = self.process
            if process is not None and (vm_size(process.pid, "VmRSS") or 0) > limit:
                self.note("oom-killed")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                process.wait()
            time.sleep(0.05)

    def unlimit(self):
        self.memory_limit = self.resident_limit = None
        if self.process is not None and self.process.poll() is None:
            unlimited = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
            with contextlib.suppress(OSError):
                resource.prlimit(self.process.pid, resource.RLIMIT_AS, unlimited)

    def stop(self):
        """SIGTERM to the running worker (it ends its task first, as under systemd), SIGKILL
        after 30 s; a sweep in progress ends first."""
        self.stopping.set()
        deadline = time.monotonic() + 150
        while self.is_alive() and time.monotonic() < deadline:
            process = self.process
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
            self.join(0.5)


def job(job_id):
    """The task result row's status and exception class ({} if there is none)."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(pk=job_id).values("status", "exception_class_path")
    return row.first() or {}


def pending_exports():
    """Export jobs waiting or running: the places taken in the queue."""
    from django_tasks_db.models import DBTaskResult

    from catalogue import tasks

    return DBTaskResult.objects.filter(
        task_path=tasks.write_export.module_path, status__in=("READY", "RUNNING")
    ).count()


def job_id_of(location):
    """The job id at the end of a follow-up page's path."""
    return location.rstrip("/").rsplit("/", 1)[-1]


def kill_job(worker, job_id, *, lease):
    """Wait for the job to run, kill -9 its worker KILL_AFTER_SECONDS later, then wait for
    the job to end: seconds from the kill to the worker's sweep, to the job's final state
    and to the worker running again."""
    _, waited = wait_for(lambda: job(job_id).get("status") in ("RUNNING", *FINAL), 300)
    figures = {"job": job_id, "queued_s": waited}
    time.sleep(KILL_AFTER_SECONDS)
    if job(job_id).get("status") != "RUNNING":
        figures["outcome"] = f"pas en cours au moment du kill ({job(job_id).get('status')})"
        return figures
    killed = worker.kill()
    ended, seconds = wait_for(lambda: job(job_id).get("status") in FINAL, lease + 120)
    wait_for(lambda: worker.first_after("started", killed), 60)
    row = job(job_id)
    swept, restarted = worker.first_after("swept", killed), worker.first_after("started", killed)
    return figures | {
        "outcome": "tué en cours",
        "status": row.get("status"),
        "exception": row.get("exception_class_path"),
        "kill_to_final_s": seconds if ended else None,
        "kill_to_sweep_s": swept - killed if swept else None,
        "kill_to_restart_s": restarted - killed if restarted else None,
        "within_lease": bool(ended) and seconds <= lease,
    }


def kill_export(port, worker, path, *, address, lease, deadline):
    """A queued export whose worker is killed mid-file, then the same list asked again."""
    headers = {"X-Real-IP": address}
    status, answer, _, _ = request(port, "GET", path, headers=headers)
    if status != 302:
        return {"path": path, "outcome": f"pas mis en file : {status}"}
    job_path = answer["Location"]
    figures = {"path": path, **kill_job(worker, job_id_of(job_path), lease=lease)}
    _, _, page, _ = request(port, "GET", job_path, headers=headers)
    figures["page_says_interrupted"] = "L'export a été interrompu" in page.decode()
    figures["pending_after"] = pending_exports()
    outcome, status, size, seconds = export(port, path, address, deadline=deadline)
    figures["again"] = {"outcome": outcome, "status": status, "bytes": size, "seconds": seconds}
    return figures


def kill_import(port, worker, cookie, content, *, written, lease, deadline):
    """An import confirmation whose worker is killed mid-transaction, then the same file
    imported again. `written()`: examples the importing curator has in the database."""
    before = written()
    figures, follow = confirm_import(port, cookie, "import-tue.xlsx", content)
    if follow is None:
        return figures
    figures |= kill_job(worker, job_id_of(follow), lease=lease)
    figures["page"] = follow_import(port, cookie, follow, deadline=deadline).get("outcome")
    figures["written_after_kill"] = written() - before
    again = import_through_admin(port, cookie, "import-de-nouveau.xlsx", content,
                                 deadline=deadline)  # fmt: skip
    figures["again"] = again | {"written": written() - before}
    return figures


def oom_export(port, worker, path, rows, *, how, address, lease, deadline):
    """An export near the cap while the worker may use OOM_HEADROOM_PER_ROW × rows more
    than idle: of address space (how="as", RLIMIT_AS: allocations fail) or of resident
    memory (how="rss": killed, as by the OOM killer). The job must end, and give its
    queue place back."""
    headroom = rows * OOM_HEADROOM_PER_ROW
    worker.restart()  # measured idle, not grown by the previous phase's files
    limiting = worker.limit_memory if how == "as" else worker.limit_resident
    idle, limit = limiting(headroom)
    figures = {"path": path, "rows": rows, "how": how, "idle_mb": idle / 2**20,
               "limit_mb": limit / 2**20}  # fmt: skip
    try:
        queued = time.monotonic()
        status, answer, _, _ = request(port, "GET", path, headers={"X-Real-IP": address})
        if status != 302:
            return figures | {"outcome": f"pas mis en file : {status}"}
        job_id = job_id_of(answer["Location"])
        wait_for(lambda: job(job_id).get("status"), 10)
        figures["pending_during"] = pending_exports()
        ended, seconds = wait_for(
            lambda: job(job_id).get("status") in FINAL, min(lease + 180, deadline - queued)
        )
        row = job(job_id)
        _, _, page, _ = request(port, "GET", answer["Location"], headers={"X-Real-IP": address})
        text = page.decode()
        said = next((word for word in ("interrompu", "échoué") if word in text), "autre")
        exits = [w for t, w in worker.events if t >= queued and w.startswith("exited")]
        return figures | {
            "status": row.get("status"),
            "exception": row.get("exception_class_path"),
            "queued_to_final_s": seconds if ended else None,
            "worker_exits": exits,
            "page": said,
            "pending_after": pending_exports(),
        }
    finally:
        worker.unlimit()


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


def near_cap_list():
    """The largest list within the spreadsheet cap: (query, rows)."""
    from django.conf import settings
    from django.http import QueryDict

    from catalogue.filtersets import ExampleFilterSet

    scales = ("local", "departemental", "regional", "national")
    candidates = ["", *(f"echelle={s}" for s in scales)]
    candidates += [f"echelle={a}&echelle={b}" for a in scales for b in scales if a < b]
    candidates += ["&".join(f"odd={n}" for n in range(1, k + 1)) for k in range(1, 17)]
    sized = []
    for query in candidates:
        filterset = ExampleFilterSet(QueryDict(query))
        if filterset.is_valid():
            sized.append((filterset.qs.count(), query))
    rows, query = max(s for s in sized if s[0] <= settings.EXPORT_MAX_ROWS_SPREADSHEET)
    return query, rows


def admin_cookie(username):
    """A superuser's session cookie, as after logging in."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return user, f"{settings.SESSION_COOKIE_NAME}={session}"


def worker_phases(phases, *, env, out, gunicorn_args, import_file, say):
    """The kill, oom and login phases among `phases`, on their own gunicorn and a worker
    supervised as systemd does. `import_file(rows)`: the bytes of an XLSX of new examples."""
    from django.conf import settings
    from django.db import connections

    from catalogue.models import Example

    from . import servers

    if not {"kill", "oom", "login"} & set(phases):
        return {}
    lease, results = settings.JOB_LEASE_SECONDS, {}
    query, rows = near_cap_list()
    path = f"/exemples/export.ods?{query}" if query else "/exemples/export.ods"
    user, cookie = admin_cookie("mesure-reprise")
    content = import_file(KILL_IMPORT_ROWS) if "kill" in phases else b""
    connections.close_all()
    port = servers.free_port()
    command = [sys.executable, "-m", "gunicorn", "impact_alliances.wsgi:application",
               "--bind", f"{HOST}:{port}", *gunicorn_args]  # fmt: skip
    worker = SupervisedWorker(out / "worker-phases.log", env)
    worker.start()
    try:
        with servers.running("gunicorn", command, port=port, probe="/healthz",
                             log_path=out / "gunicorn-phases.log", env=env) as server:  # fmt: skip
            worker.settled()
            if "kill" in phases:
                say(f"6/8 worker tué (kill -9) pendant un ODS de {rows} lignes, puis un import")
                exported = kill_export(port, worker, path, address="10.97.0.1", lease=lease,
                                       deadline=time.monotonic() + 900)  # fmt: skip
                imported = kill_import(
                    port, worker, cookie, content, lease=lease,
                    written=lambda: Example.objects.filter(created_by=user).count(),
                    deadline=time.monotonic() + 900,
                )  # fmt: skip
                results["kill"] = {"rows": rows, "export": exported,
                                   "import": imported | {"rows": KILL_IMPORT_ROWS}}  # fmt: skip
            if "oom" in phases:
                query, rows = near_cap_list()  # the kill phase's import added examples
                path = f"/exemples/export.ods?{query}" if query else "/exemples/export.ods"
                say(f"7/8 ODS de {rows} lignes, worker limité en mémoire")
                results["oom"] = [
                    oom_export(
                        port, worker, path + ("&" if query else "?") + f"tri={sort}", rows,
                        how=how, address=f"10.97.0.{n}", lease=lease,
                        deadline=time.monotonic() + 900,
                    )  # a new job for the same rows: its sort is part of its key
                    for n, (how, sort) in enumerate((("as", "titre"), ("rss", "recent")), 2)
                ]  # fmt: skip
            if "login" in phases:
                say(f"8/8 connexions au hasard depuis une adresse, {LOGIN_RATE}/s pendant "
                    f"{LOGIN_SECONDS} s, /healthz interrogé")  # fmt: skip
                results["login"] = login_flood(port, address="10.96.0.1", server_pid=server.pid)
    finally:
        worker.stop()
        connections.close_all()
    results["phases_worker_restarts"] = worker.restarts
    return results


def seconds_text(value):
    return "—" if value is None else f"{value:.1f} s"


def worker_report_lines(results, lease):
    """The report's lines for the kill, oom and login phases that ran."""
    lines = []
    if kill := results.get("kill"):
        e, i = kill["export"], kill["import"]
        again, i_again = e.get("again", {}), i.get("again", {})
        lines += [
            f"6. Worker tué (kill -9) {KILL_AFTER_SECONDS:.0f} s après le début de la tâche, "
            f"relancé comme systemd (`fail_stale_jobs --worker-id` puis `db_worker`) ; bail "
            f"{lease} s.",
            f"   - export `{e['path']}` ({kill['rows']} lignes) : {e.get('outcome')}, tâche "
            f"{e.get('status')} ({e.get('exception')}) {seconds_text(e.get('kill_to_final_s'))} "
            f"après le kill (balayage {seconds_text(e.get('kill_to_sweep_s'))}, worker relancé "
            f"{seconds_text(e.get('kill_to_restart_s'))}) ; page « interrompu » : "
            f"{e.get('page_says_interrupted')} ; file après : {e.get('pending_after')} ; "
            f"même liste redemandée : {again.get('outcome')}, {again.get('status')}, "
            f"{again.get('bytes', 0) // 1024} Ko en {seconds_text(again.get('seconds'))}.",
            f"   - import de {i['rows']} lignes : aperçu {i.get('preview_status')} en "
            f"{seconds_text(i.get('preview_seconds'))}, {i.get('outcome')}, tâche "
            f"{i.get('status')} {seconds_text(i.get('kill_to_final_s'))} après le kill ; page : "
            f"« {i.get('page')} » ; lignes écrites : {i.get('written_after_kill')} ; même "
            f"fichier de nouveau : « {i_again.get('outcome')} » (worker "
            f"{seconds_text(i_again.get('worker_seconds'))}), {i_again.get('written')} lignes.",
        ]
    limits = {
        "as": "d'espace d'adressage (RLIMIT_AS, comme `prlimit --as`)",
        "rss": "de mémoire résidente (tué par SIGKILL au-delà, comme par le noyau)",
    }
    for letter, oom in zip("ab", results.get("oom", []), strict=False):
        lines.append(
            f"7{letter}. ODS `{oom['path']}` ({oom['rows']} lignes), worker limité à "
            f"{oom['limit_mb']:.0f} Mo {limits[oom['how']]} ({oom['idle_mb']:.0f} Mo au repos) "
            f": {oom.get('outcome', 'mis en file')}, tâche {oom.get('status')} "
            f"({oom.get('exception')}) "
            f"{seconds_text(oom.get('queued_to_final_s'))} après sa mise en file ; arrêts du "
            f"worker : {oom.get('worker_exits')} ; page « {oom.get('page')} » ; file : "
            f"{oom.get('pending_during')} pendant, {oom.get('pending_after')} après."
        )
    if login := results.get("login"):
        h, calm = login["healthz"], login["healthz_alone"]
        locked = login.get("healthz_once_locked")
        once_locked = (
            f" ; une fois l'adresse bloquée : p50 {locked['p50_ms']:.0f} ms, p95 "
            f"{locked['p95_ms']:.0f} ms, max {locked['max_ms']:.0f} ms"
            if locked
            else ""
        )
        lines.append(
            f"8. {login['attempts']} connexions (identifiants au hasard, une adresse) en "
            f"{login['seconds']:.0f} s : {login['hashed']} refusées par le formulaire après "
            f"hachage du mot de passe (200), {login['refused']} bloquées (429), statuts "
            f"{login['statuses']} ; processeur des workers gunicorn {login['server_cpu_s']:.1f} s "
            f"pendant le flot, un hachage {login['hash_cpu_s']:.2f} s ; adresse bloquée à "
            f"{seconds_text(login.get('locked_after_s'))} ; /healthz {h['checks']} fois : p50 "
            f"{h['p50_ms']:.0f} ms, p95 {h['p95_ms']:.0f} ms, max {h['max_ms']:.0f} ms, "
            f"{h['failures']} échecs (seul avant : p50 {calm['p50_ms']:.0f} ms, p95 "
            f"{calm['p95_ms']:.0f} ms{once_locked})."
        )
    return lines
