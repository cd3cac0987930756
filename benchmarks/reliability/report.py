"""The report of `make reliability` (var/reliability/report.md), from its figures."""

from .. import load
from .phases import worker_report_lines


def report(r, *, gunicorn, lease):
    """The Markdown report of the figures `r` of every phase run; `gunicorn`: the server's
    arguments, `lease`: the task lease in seconds."""

    def load_line(f):
        return (
            f"{f['requests']} requêtes en {f['seconds']:.0f} s ({f['rps']:.0f}/s), "
            f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms ; 5xx : {f['status_5xx']}, "
            f"429 : {f['status_429']}, autres non-2xx/3xx : "
            f"{f['non_2xx_3xx'] - f['status_5xx'] - f['status_429']}, erreurs de socket : "
            f"{sum(f['socket_errors'].values())} {f['socket_errors']}"
        )

    lines = [
        f"# make reliability — {r['examples']} exemples publiés, PostgreSQL, "
        f"gunicorn {' '.join(gunicorn[:4])} et un worker de tâches",
        "",
    ]
    if mixed := r.get("mixed"):
        lines.append(f"1. Charge mixte ({load.CONNECTIONS} connexions) : {load_line(mixed)}.")
    if restart := r.get("restart"):
        lines.append(
            f"2. Redémarrage de PostgreSQL (« pg_ctl restart -m fast », "
            f"{(restart['restart_seconds'] or 0):.1f} s) pendant la charge : "
            f"{load_line(restart)} ; /healthz : {restart['healthz']['failures']} échecs sur "
            f"{restart['healthz']['checks']}, de nouveau 200 "
            + (
                f"{restart['healthz_back_after_s']:.1f} s après le début du redémarrage."
                if restart["healthz_back_after_s"] is not None
                else "sans jamais avoir échoué."
            )
        )
    if exports := r.get("exports"):
        lines += [
            f"3. Exports simultanés : /healthz {exports['healthz']['checks']} fois, "
            f"p50 {exports['healthz']['p50_ms']:.0f} ms, max "
            f"{exports['healthz']['max_ms']:.0f} ms, {exports['healthz']['failures']} "
            f"échecs.",
            *(
                f"   - `{e['path']}` : {e['outcome']}, {e['status']}, "
                f"{e['bytes'] // 1024} Ko, {e['seconds']:.1f} s"
                for e in exports["exports"]
            ),
            f"   Worker de tâches relancé (comme systemd) : {r.get('worker_restarts')} fois.",
        ]
    if imported := r.get("import"):
        lines.append(
            f"4. Import de {imported['rows']} lignes (XLSX) par l'administration : aperçu "
            f"{imported.get('preview_status')} en {imported.get('preview_seconds', 0):.1f} s, "
            f"confirmation {imported.get('confirm_status')} en "
            f"{imported.get('confirm_seconds', 0):.1f} s, puis worker "
            f"{imported.get('worker_seconds', 0):.0f} s : « {imported.get('outcome')} » ; "
            f"{imported['written']} exemples en base."
        )
    if sqlite := r.get("sqlite"):
        lines.append(
            f"5. Défaut SQLite, 5 lecteurs et 5 curateurs : lecteurs {sqlite['readers']}, "
            f"curateurs {sqlite['curators']} ; « database is locked » : "
            f"{sqlite['locked_in_pages']} dans les pages, {sqlite['locked_in_log']} dans le "
            f"journal."
        )
    lines += [*worker_report_lines(r, lease), ""]
    return "\n".join(lines)
