#!/usr/bin/env python3
"""Save screenshots of the main pages, at desktop and phone widths, into docs/screenshots/.

The app is served from a throwaway SQLite database (reference data and 200 demonstration
examples) in a temporary folder, by `runserver` on 127.0.0.1 with a free port, and Debian's
chromium takes the pictures through Playwright. Run by `make screenshots`.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "docs" / "screenshots"
SERVER_START_TIMEOUT = 60  # seconds
COMMAND_TIMEOUT = 300  # seconds, for each preparation command


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=COMMAND_TIMEOUT,
        stdout=subprocess.DEVNULL,
    )


def pages_to_show(env):
    """Paths of the pages to picture: a well-furnished example, its first actor, its région,
    and the Fiches Repères of France and of that région."""
    code = (
        "from django.db.models import Count\n"
        "from catalogue.models import Example\n"
        "example = (Example.objects.published().annotate(n=Count('partnerships'))"
        ".filter(n__gte=2).order_by('-n', 'reference').first())\n"
        "region = next(t for t in example.territory.ancestors() if t.level == 'region')\n"
        "print(example.get_absolute_url())\n"
        "print(example.partnerships.order_by('position').first().actor.get_absolute_url())\n"
        "print(region.get_absolute_url())\n"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=COMMAND_TIMEOUT,
        capture_output=True,
        text=True,
    ).stdout.split()
    example, actor, territory = output[-3:]
    return {
        "accueil": "/",
        "liste": "/exemples/",
        "exemple": example,
        "acteur": actor,
        "territoire": territory,
        "reperes": "/reperes/",
        "reperes-region": territory.replace("/territoires/", "/reperes/"),
        "a-propos": "/a-propos/",
        "proposer": "/proposer/",
    }


# Pictured whole (charts, map and matrix lie below the first screen).
FULL_PAGE = {"reperes", "reperes-region"}


def wait_until_up(url, server):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"Le serveur s'est arrêté (code {server.returncode}).")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"Le serveur ne répond pas sur {url} après {SERVER_START_TIMEOUT} s.")


def take_screenshots(url, pages):
    sys.path.insert(0, str(BASE_DIR))
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import CHROMIUM, DESKTOP, INSTALL_HINT, PHONE, launch_chromium

    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} est absent : {INSTALL_HINT}")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for device, viewport in (("ordinateur", DESKTOP), ("telephone", PHONE)):
            context = browser.new_context(base_url=url, locale="fr-FR", viewport=viewport)
            tab = context.new_page()
            for name, path in pages.items():
                response = tab.goto(path)
                if response.status != 200:
                    sys.exit(f"{path} répond {response.status}.")
                target = OUTPUT / f"{name}-{device}.png"
                tab.screenshot(path=target, full_page=name in FULL_PAGE)
                print(f"{target.relative_to(BASE_DIR)}  ({path})")
            context.close()
        browser.close()


def main():
    with tempfile.TemporaryDirectory(prefix="impact-alliances-screenshots-") as workdir:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/screenshots.sqlite3",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "screenshots-only-throwaway-key",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SSL_REDIRECT": "false",
            "SITE_URL": "http://127.0.0.1",
            "DJANGO_STATIC_MANIFEST": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        manage("migrate", "--noinput", env=env)
        manage("load_reference_data", env=env)
        manage("generate_demo_data", "--count", "200", "--seed", "17", env=env)
        pages = pages_to_show(env)

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url, server)
            take_screenshots(url, pages)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
