"""Requests to the site under test, as a browser makes them: a /healthz watcher, a
download that follows a queued export, the admin's forms and an import through the admin.
Every request goes to 127.0.0.1, every loop is bounded by a deadline."""

import http.client
import re
import threading
import time
import urllib.parse
from html.parser import HTMLParser

from ..stats import summary
from ..timing import HOST

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
