"""The readers and curators of the SQLite phase, and the tally of what they saw."""

import re
import threading
import time
from dataclasses import dataclass, field

from .client import FormReader, post, request, with_csrf_cookie


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
