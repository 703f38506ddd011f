"""The learner home on a real server: ``gunicorn -w 2`` with the app as a school would run it.

Three rows come from one server and one learner (10 entries, 5 with photos):

* requests per second for the learner home against ``/bench/empty`` (a signed-in request that
  does nothing and answers 204, see ``server_app.py``), in rounds taken turn about;
* what Chromium transfers for the page's HTML, CSS and JavaScript on a first visit, taken from
  the DevTools protocol (``encodedDataLength``: bytes on the wire, headers included);
* how many requests reach the server when the learner comes back to the page, counted in
  gunicorn's access log, so a request the browser answered from its own cache never counts.

Requests ask for ``br`` like a browser, so compression is part of what is measured.
"""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.run import ROOT, Row, _verdict, add_learner, make_app, signed_in_client, skipped_row
from bench.server_app import EMPTY_PATH

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

HOME = "/me/"
SECRET = "bench-server-secret"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
ROUNDS = 15
REQUESTS_PER_ROUND = 40
CLIENTS = 4
RATE_TARGET = 0.5
FIRST_VISIT_TARGET_BYTES = 60_000
RETURN_VISIT_TARGET = 1
#: What Chromium reports as the page's HTML, CSS and JavaScript.
_TEXT_TYPES = {"Document", "Stylesheet", "Script"}


@dataclass
class Server:
    """A running gunicorn, the learner's session cookie and where its access log is."""

    base: str
    host: str
    port: int
    cookie: str
    access_log: Path

    def requests_logged(self) -> int:
        return len(self.access_log.read_text().splitlines()) if self.access_log.exists() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(folder: Path) -> str:
    """A migrated instance with one typical learner; returns their signed session cookie."""
    app = make_app(folder)
    app.config["SECRET_KEY"] = SECRET
    learner_id = add_learner(app, 10, 5)
    client = signed_in_client(app, learner_id)
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


@contextmanager
def running_server(folder: Path) -> Iterator[Server]:
    """gunicorn with two sync workers on a free port, stopped (by its own pid) afterwards."""
    cookie = _prepare(folder)
    port = _free_port()
    log = folder / "access.log"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PORTFOLIO_INSTANCE_PATH=str(folder / "instance"), SECRET_KEY=SECRET,
               PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log), "--log-level", "warning",
         "bench.server_app:make()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        server = Server(f"http://127.0.0.1:{port}", "127.0.0.1", port, cookie, log)
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        try:
            status, _body = _get(server, "/health")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def _get(server: Server, path: str) -> tuple[int, bytes]:
    """One GET as a browser would send it (session cookie, brotli accepted); a new connection each
    time, since gunicorn's sync workers close every connection after answering."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": f"session={server.cookie}", "Accept-Encoding": "br, gzip"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _round(server: Server, path: str, expected: int) -> float:
    """Requests per second for one round of ``REQUESTS_PER_ROUND`` GETs from ``CLIENTS`` clients."""
    def one(_index: int) -> None:
        status, body = _get(server, path)
        if status != expected:
            raise RuntimeError(f"GET {path} gave {status}: {body[:200]!r}")

    with ThreadPoolExecutor(CLIENTS) as pool:
        started = time.perf_counter()
        list(pool.map(one, range(REQUESTS_PER_ROUND)))
        return REQUESTS_PER_ROUND / (time.perf_counter() - started)


def rate_row(server: Server) -> Row:
    """Learner home requests per second as a share of the empty signed-in route's, rounds turn about."""
    for path, status in ((HOME, 200), (EMPTY_PATH, 204)):
        _round(server, path, status)  # every worker has loaded templates and warmed its caches
    home: list[float] = []
    empty: list[float] = []
    for index in range(ROUNDS):
        order = ((HOME, 200, home), (EMPTY_PATH, 204, empty))
        for path, status, rates in order if index % 2 == 0 else reversed(order):
            rates.append(_round(server, path, status))
    share = statistics.median(home) / statistics.median(empty)
    return Row(f"learner home req/s vs signed-in empty 204, gunicorn -w 2 ({ROUNDS} rounds)",
               f"{statistics.median(home):.0f}/s", f"{statistics.median(empty):.0f}/s", f"{share:.0%}",
               f">= {RATE_TARGET:.0%}", _verdict(share >= RATE_TARGET))


def browser_rows(server: Server) -> list[Row]:
    """First-visit bytes for HTML, CSS and JS, and return-visit requests that reach the server."""
    first_label = "learner home first visit: HTML+CSS+JS bytes transferred (Chromium)"
    return_label = "learner home return visit: requests reaching the server"
    if not CHROMIUM.exists():
        return [skipped_row(first_label, "no Chromium"), skipped_row(return_label, "no Chromium")]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 810, "height": 1080})
            context.add_cookies([{"name": "session", "value": server.cookie, "url": server.base}])
            transferred = _first_visit(context, server)
            before = server.requests_logged()
            page = context.new_page()
            page.goto(server.base + HOME, wait_until="networkidle")
            time.sleep(0.5)  # gunicorn writes its access log line after the answer has gone
            reached = server.requests_logged() - before
        finally:
            browser.close()
    total = sum(transferred.values())
    detail = ", ".join(f"{kind} {size / 1000:.1f}" for kind, size in sorted(transferred.items()))
    return [
        Row(f"{first_label} [{detail} KB]", f"{total / 1000:.1f} KB", "-", "-",
            f"<= {FIRST_VISIT_TARGET_BYTES // 1000} KB", _verdict(total <= FIRST_VISIT_TARGET_BYTES)),
        Row(return_label, f"{reached} req", "-", "-", f"{RETURN_VISIT_TARGET}",
            _verdict(reached == RETURN_VISIT_TARGET)),
    ]


def _first_visit(context: BrowserContext, server: Server) -> dict[str, int]:
    """Bytes on the wire per resource type for one visit with an empty cache."""
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    kinds: dict[str, str] = {}
    sizes: dict[str, int] = {}
    lock = threading.Lock()

    def received(event: dict[str, Any]) -> None:
        with lock:
            kinds[event["requestId"]] = event.get("type", "Other")

    def finished(event: dict[str, Any]) -> None:
        with lock:
            sizes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    devtools.on("Network.responseReceived", received)
    devtools.on("Network.loadingFinished", finished)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": False})
    page.goto(server.base + HOME, wait_until="networkidle")
    # A tablet's next visit comes long after the service worker has installed; wait for that here, or
    # its precache downloads (every symbol, once) would be counted as the return visit's requests.
    page.evaluate("() => navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : true")
    page.close()
    totals: dict[str, int] = {}
    for request_id, size in sizes.items():
        kind = kinds.get(request_id, "Other")
        if kind in _TEXT_TYPES:
            totals[kind] = totals.get(kind, 0) + size
    return totals


def run() -> list[Row]:
    """All three rows from one server; skipped rows when gunicorn cannot run here."""
    labels = ("learner home req/s vs signed-in empty 204", "learner home first visit bytes",
              "learner home return visit requests")
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        return [skipped_row(label, "gunicorn missing") for label in labels]
    with tempfile.TemporaryDirectory() as folder, running_server(Path(folder)) as server:
        return [rate_row(server), *browser_rows(server)]
