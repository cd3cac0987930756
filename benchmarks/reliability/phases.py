"""The phases of `make reliability` and the worker phases' run and report."""

import sys
import time

from ..timing import HOST
from .login import LOGIN_RATE, LOGIN_SECONDS, login_flood
from .worker import (
    KILL_AFTER_SECONDS,
    KILL_IMPORT_ROWS,
    SupervisedWorker,
    kill_export,
    kill_import,
    oom_export,
)

PHASES = ("load", "restart", "exports", "import", "sqlite", "kill", "oom", "login")


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

    from .. import servers

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
