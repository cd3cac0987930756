"""The fixed cost of the public templates: for a few pages, the median time of an uncached
request in process (Django test client, page cache off), the share of it spent rendering
the template, the number of template nodes rendered and the number of SQL queries.

Runs against the database of DATABASE_URL, filled beforehand (docs/benchmarks.md):

    DATABASE_URL=sqlite:////tmp/tpl.sqlite3 python -m benchmarks.template_cost [--requests 30]
"""

import argparse
import os
import statistics
import sys
import time

PAGES = [
    "/exemples/",
    "/exemples/?domaine=sante&type_acteur=association",
    "{example}",
    "/territoires/region-32/",
    "/reperes/region-32/",
]


def configure() -> None:
    """Production-like settings: DEBUG off (no SQL log), no page cache, no manifest."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impact_alliances.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "template-cost-measure-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SITE_URL", "http://testserver")
    os.environ["DJANGO_STATIC_MANIFEST"] = "false"
    os.environ["DJANGO_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_SECURE_COOKIES"] = "false"
    import django

    django.setup()


class NodeCounter:
    """Counts Node.render_annotated calls: every node of every template rendered."""

    def __init__(self):
        from django.template import base

        self.count = 0
        self.original = base.Node.render_annotated
        counter = self

        def render_annotated(node, context):
            counter.count += 1
            return counter.original(node, context)

        base.Node.render_annotated = render_annotated

    def restore(self):
        from django.template import base

        base.Node.render_annotated = self.original


class RenderTimer:
    """Time spent in the top-level template render (the backend's Template.render)."""

    def __init__(self):
        from django.template.backends import django as backend

        self.seconds = 0.0
        self.original = backend.Template.render
        timer = self

        def render(template, context=None, request=None):
            started = time.perf_counter()
            try:
                return timer.original(template, context, request)
            finally:
                timer.seconds += time.perf_counter() - started

        backend.Template.render = render


def measure(client, path: str, requests: int) -> dict:
    from django.core.cache import cache
    from django.db import connection

    client.get(path)  # warms the template loader and this process's facet index
    counter = NodeCounter()
    response = client.get(path)
    counter.restore()
    assert response.status_code == 200, (path, response.status_code)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(path)
    timer = RenderTimer()
    totals, renders = [], []
    for _ in range(requests):
        # Keeps the facet index and the map caches (process-wide, like a warm worker),
        # clears nothing else: the page cache is off.
        timer.seconds = 0.0
        started = time.perf_counter()
        client.get(path)
        totals.append(time.perf_counter() - started)
        renders.append(timer.seconds)
    from django.template.backends import django as backend

    backend.Template.render = timer.original
    cache.close()
    return {
        "path": path,
        "ms": statistics.median(totals) * 1000,
        "render_ms": statistics.median(renders) * 1000,
        "nodes": counter.count,
        "queries": len(queries),
        "bytes": len(response.content),
        "content": response.content,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--pages", nargs="+", default=PAGES, help="paths ({example}: one)")
    parser.add_argument("--html", metavar="DIR", help="also write each page's HTML there")
    args = parser.parse_args(argv)
    configure()
    from django.test import Client

    from catalogue.models import Example

    example = Example.objects.published().order_by("pk").first()
    client = Client()
    print("| page | médiane (ms) | dont gabarit (ms) | nœuds | requêtes SQL | octets |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for page in args.pages:
        path = page.format(example=example.get_absolute_url())
        row = measure(client, path, args.requests)
        if args.html:
            os.makedirs(args.html, exist_ok=True)
            name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_")
            with open(os.path.join(args.html, f"{name}.html"), "wb") as out:
                out.write(row.pop("content"))
        print(
            f"| `{row['path']}` | {row['ms']:.1f} | {row['render_ms']:.1f} | {row['nodes']:,} "
            f"| {row['queries']} | {row['bytes']:,} |".replace(",", " ")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
