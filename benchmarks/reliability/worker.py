"""The task worker of the kill and oom phases, supervised as systemd does, and those
phases: a job whose worker is killed, an export too large for the worker's memory."""

import contextlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time

from .client import confirm_import, export, follow_import, import_through_admin, request

WORKER_ID = "mesure-1"
# systemd's Restart=always waits RestartSec (100 ms by default) before starting again; one
# second keeps a crashing worker from spinning on these 2 cores.
RESTART_SECONDS = 1
KILL_AFTER_SECONDS = 1.0  # how long a job has been running when its worker is killed
KILL_IMPORT_ROWS = 4000  # a confirmation of a few seconds in the worker
# Address space the OOM phase's worker may add to what it holds idle, per exported row:
# about half of what an ODS file needs (872 MB at 20,000 rows, about 44 KB a row).
OOM_HEADROOM_PER_ROW = 20_000
FINAL = ("SUCCESSFUL", "FAILED")


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
