"""The Markdown report: one table of pages per size, the load test, and how it was run."""

PAGE_HEADER = (
    "| page | requêtes SQL | base : max (ms) | base : somme (ms) | résultats | froid (ms) "
    "| p50 (ms) | p95 (ms) | p99 (ms) | n | sans cache de page p50 / p95 / p99 (ms) "
    "| nous / eux (p50 sans cache) |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
)


def number(value, digits=0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def ms(seconds) -> str:
    return "—" if seconds is None else number(seconds * 1000, 1 if seconds < 0.1 else 0)


def page_row(row: dict, by_label: dict) -> str:
    warm = row["warm"]
    ratio = "—"
    ours = by_label.get(row.get("compare_to"))
    if ours:
        # A page of ours as a visitor with a query nobody asked before gets it (no page
        # cache), against theirs (which has no page cache).
        # Like with like: the same query on both sides, and their row counts.
        ours_p50 = (ours.get("uncached") or ours["warm"])["p50"]
        counts = f"{number(ours.get('results'))} / {number(row.get('results'))} résultats"
        ratio = f"{ours_p50 / warm['p50']:.2f} (vs {ours['label']} ; {counts})"
    uncached = row.get("uncached")
    uncached_cell = " / ".join(ms(uncached[p]) for p in ("p50", "p95", "p99")) if uncached else "—"
    cells = [
        row["label"],
        number(row.get("queries")),
        number(row.get("db_max_ms"), 1),
        number(row.get("db_sum_ms"), 1),
        number(row.get("results")),
        ms(row["cold"]),
        ms(warm["p50"]),
        ms(warm["p95"]),
        ms(warm["p99"]),
        str(warm["n"]),
        uncached_cell,
        ratio,
    ]
    return "| " + " | ".join(cells) + " |"


def size_section(size: dict) -> str:
    by_label = {row["label"]: row for row in size["rows"]}
    lines = [
        f"## {number(size['examples'])} exemples publiés",
        "",
        f"Données : {size['growth']} en {size['growth_seconds']:.0f} s, puis `VACUUM ANALYZE`. "
        f"Copie SQLite pour Datasette : {size['sqlite_seconds']:.0f} s. "
        f"Mesures : {size['measure_seconds']:.0f} s. "
        f"Charge moyenne au départ (1, 5, 15 min) : {size['load_avg']}. "
        f"{memory(size['peak_rss_mb'])}",
        "",
        PAGE_HEADER,
        *(page_row(row, by_label) for row in size["rows"]),
        "",
        "Adresses :",
        "",
        *(f"- {row['label']} : `{row['shown_url']}`" for row in size["rows"]),
    ]
    if size.get("writes"):
        lines += ["", writes_section(size["writes"])]
    if size.get("load"):
        lines += ["", load_section(size["load"])]
    return "\n".join(lines)


def memory(peak: dict) -> str:
    """The largest peak resident memory of one gunicorn worker: after the pages, the writes
    and the load test."""
    text = f"Mémoire maximale d'un worker gunicorn : {number(peak['pages'])} Mo après les pages"
    if peak.get("writes") is not None:
        text += f", {number(peak['writes'])} Mo après les écritures"
    if peak.get("load") is not None:
        text += f", {number(peak['load'])} Mo après la charge"
    return text + "."


WRITE_NAMES = {"enregistrement": "un curateur enregistre un exemple publié",
               "import": "un import met à jour des exemples publiés"}  # fmt: skip


def writes_section(writes: list[dict]) -> str:
    """Each write: how long it took, the pages during it, and each worker's first request
    after it against the same page's p50 before (benchmarks/freshness.py)."""
    rows = []
    for write in writes:
        during = write["during"]
        during_cell = (
            f"{number(during['p50'], 1)} / {number(during['p95'], 1)} / {number(during['max'])}"
            f" ({during['n']})" if during else "—"
        )  # fmt: skip
        workers = ", ".join(
            f"{number(w['ms'])} ({w['extra_ms']:+.0f}, {w['page']})" for w in write["workers"]
        )
        rows.append(
            f"| {WRITE_NAMES.get(write['write'], write['write'])} ({number(write['written'])}) "
            f"| {number(write['write_ms'])} | {during_cell} | {number(write['before_p95_ms'])} "
            f"| {number(write['first_round_p95_ms'])} | {workers or '—'} "
            f"| {number(write['max_extra_ms'])} |"
        )
    return "\n".join([
        "### Écritures : ce qu'elles coûtent aux visiteurs (pages sans cache de page)",
        "",
        "| écriture (exemples) | durée (ms) | pendant : p50 / p95 / max (ms) (n) "
        "| avant : p95 (ms) | après, un tour des pages : p95 (ms) "
        "| première requête de chaque worker après : ms (surcoût, page) | surcoût max (ms) |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        *rows,
    ])  # fmt: skip


def load_section(load: dict) -> str:
    errors = load["socket_errors"]
    return "\n".join([
        f"### Charge : wrk, {load['connections']} connexions, {load['threads']} fils, "
        f"{load['seconds']:.0f} s, {load['paths']} adresses en rotation",
        "",
        "| requêtes | requêtes/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | réponses 4xx/5xx "
        "| erreurs de socket (connexion / lecture / écriture / délai) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {load['requests']} | {load['rps']:.1f} | {load['p50_ms']:.0f} | {load['p90_ms']:.0f} "
        f"| {load['p99_ms']:.0f} | {load['max_ms']:.0f} | {load['non_2xx_3xx']} "
        f"| {errors['connect']} / {errors['read']} / {errors['write']} / {errors['timeout']} |",
    ])  # fmt: skip


def document(context: dict, sizes: list[dict]) -> str:
    head = [
        f"# Mesures du {context['date']}",
        "",
        f"Code : `{context['commit']}`. {context['machine']}. {context['versions']}.",
        f"gunicorn : {context['workers']} workers sync sur 127.0.0.1 (DEBUG désactivé). "
        f"Requêtes chronométrées par adresse : {context['requests']} (exports : moins), "
        f"séquentielles, une connexion à la fois. Durée totale : {context['total']}.",
    ]
    return "\n".join(head) + "\n\n" + "\n\n".join(size_section(s) for s in sizes) + "\n"
