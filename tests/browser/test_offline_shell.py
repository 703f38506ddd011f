"""The installable app with no Wi-Fi, in real Chromium: the service worker keeps the shell, a page
that cannot load shows the calm offline page, a tap that cannot reach the server says so in place,
speech already heard still plays, sign-out drops personal caches, a new version takes over, and
Lighthouse finds the app installable.

http://127.0.0.1 is a secure context, so the live server can run a service worker as is.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from werkzeug.serving import make_server

from portfolio import create_app, db, migrate
from tests.conftest import sign_in_as
from tests.factories import make_experience, make_learner, make_school
from tests.postgres import RunSchemas

from .conftest import CHROMIUM, LiveServer, check_accessible, screenshot, sign_out

# The worker is what these tests are about.
pytestmark = pytest.mark.with_service_worker

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / ".tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
CALM = "No Wi-Fi. Your work is saved on this tablet."
TABLET_VOICE = "Using this tablet's voice."
# Installing means fetching about 320 files and speaking the offline page's words.
WORKER_TIMEOUT_MS = 60_000
PLAYING_TIMEOUT_MS = 30_000
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")


# --------------------------------------------------------------------------- helpers


def wait_for_worker(page: Page) -> None:
    """Until the service worker has installed, activated and taken over this page."""
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)",
                           timeout=WORKER_TIMEOUT_MS)


def cache_names(page: Page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def cached_urls(page: Page, name: str) -> list[str]:
    return page.evaluate("(name) => caches.open(name).then((c) => c.keys()).then((r) => r.map((q) => q.url))", name)


def shell_cache(page: Page) -> str:
    shells = [name for name in cache_names(page) if name.startswith("mns-shell-")]
    assert len(shells) == 1, f"expected one shell cache, found {shells}"
    return shells[0]


def worker_lists(page: Page, name: str) -> list[str]:
    """A list written into /sw.js (PRECACHE or PRECACHE_SPEECH), as the browser fetches it."""
    script = page.request.get("/sw.js").text()
    found = re.search(rf"^const {name} = (\[.*\]);$", script, re.MULTILINE)
    assert found, f"{name} missing from /sw.js"
    return json.loads(found.group(1))


def learner_on_tablet(live: LiveServer, context: BrowserContext, name: str) -> int:
    """A learner of a school of this test's own (so no demo page changes), signed in on this
    tablet, with a new entry in progress; returns the entry's id."""
    with live.app.app_context():
        session = db.session()
        learner = make_learner(session, make_school(session, f"{name} School"), None, name=name)
        entry = make_experience(session, learner, learner, kind=None)
        session.commit()
        entry_id = entry.id
    client = live.app.test_client()
    sign_in_as(client, learner)
    cookie = client.get_cookie(live.app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live.url}])
    return entry_id


def wait_until(check: Callable[[], bool], failure: str, seconds: float = WORKER_TIMEOUT_MS / 1000) -> None:
    """Poll ``check`` (which may await a promise in the page, which wait_for_function does not)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def hear_and_wait(page: Page, button: Any) -> str:
    page.evaluate("() => document.body.removeAttribute('data-audio-playing')")
    button.click()
    page.wait_for_function("() => document.body.hasAttribute('data-audio-playing')", timeout=PLAYING_TIMEOUT_MS)
    return page.evaluate("() => document.body.getAttribute('data-audio-playing')")


# --------------------------------------------------------------------------- the shell


def test_worker_installs_and_precaches_the_shell(page: Page) -> None:
    # Read first: installing speaks the offline page's words into static/audio/ when they are new,
    # which the next /sw.js then lists too (and so the version after that moves once).
    precache = worker_lists(page, "PRECACHE")
    speech = worker_lists(page, "PRECACHE_SPEECH")
    page.goto("/")
    wait_for_worker(page)
    name = shell_cache(page)
    kept = {re.sub(r"^https?://[^/]+", "", url) for url in cached_urls(page, name)}
    missing = [url for url in precache if url not in kept]
    assert not missing, f"{len(missing)} precache URLs not kept: {missing[:5]}"
    assert {"/offline", "/offline/entry"} <= kept
    assert any(url.startswith("/static/vendor/htmx-") for url in kept)
    assert sum(url.startswith("/static/symbols/") for url in kept) > 250
    # The offline page's own words are kept, so Hear works on it with no Wi-Fi.
    assert set(speech[:3]) <= kept
    # The shared copy of the offline page is the anonymous one.
    body = page.evaluate("(n) => caches.open(n).then((c) => c.match('/offline')).then((r) => r.text())", name)
    assert CALM in body and "data-hx-headers" not in body and 'id="sign-out"' not in body


def test_a_page_that_cannot_load_shows_the_calm_offline_page(page: Page, context: BrowserContext) -> None:
    page.goto("/")
    wait_for_worker(page)
    context.set_offline(True)
    try:
        page.goto("/me/")
        expect(page.locator("h1")).to_have_text(CALM)
        assert page.url.endswith("/me/"), "the learner stays on the address they asked for"
        check_accessible(page, "offline-page", learner_sized=True)
        # Its words are heard from the cache, with no Wi-Fi.
        src = hear_and_wait(page, page.locator(".page-heading button.hear"))
        assert "/speech/ui/" in src or "/static/audio/" in src
        page.locator("#offline-entry").click()
        expect(page).to_have_url(re.compile(r"/offline/entry$"))
        expect(page.locator("h1")).to_have_count(1)
    finally:
        context.set_offline(False)


# --------------------------------------------------------------------------- on a learner's page


def test_a_tap_with_no_network_shows_the_calm_banner(page: Page, context: BrowserContext, live_server: LiveServer) -> None:
    entry_id = learner_on_tablet(live_server, context, "Offline Banner")
    page.goto(f"/experiences/{entry_id}/steps/kind")
    wait_for_worker(page)
    banner = page.locator("#connection-status")
    expect(banner).to_be_hidden()
    context.set_offline(True)
    try:
        choice = page.locator("#step-kind .symbol-choice").first
        choice.click()
        expect(banner).to_contain_text(CALM)
        expect(banner.locator(".say > img.symbol[src*='/symbols/wifi.svg']")).to_have_count(1)
        expect(banner.locator("button.hear")).to_have_count(1)
        expect(banner).to_have_attribute("role", "status")
        check_accessible(page, learner_sized=True)
        screenshot(page, "offline-banner", full_page=False)  # the banner is fixed to the screen
    finally:
        context.set_offline(False)
    choice.click()
    expect(banner).to_be_hidden()


def test_heard_words_play_offline_and_new_words_use_the_tablet_voice(
        page: Page, context: BrowserContext, live_server: LiveServer) -> None:
    learner_on_tablet(live_server, context, "Offline Speech")
    page.goto("/me/")
    wait_for_worker(page)
    personal = page.locator('button.hear[data-src*="/speech/private/"]')
    assert personal.count() >= 2, "the learner's home should have words of their own to hear"
    heard = personal.nth(0)
    src = hear_and_wait(page, heard)
    assert "/speech/private/" in src
    assert any("/speech/private/" in url for url in cached_urls(page, "personal-speech"))
    context.set_offline(True)
    try:
        assert hear_and_wait(page, heard) == src
        expect(page.locator("#live")).not_to_have_text(TABLET_VOICE)
        never = personal.nth(1)
        page.evaluate("() => document.body.removeAttribute('data-audio-playing')")
        never.click()
        expect(page.locator("#live")).to_have_text(TABLET_VOICE)
        assert not page.evaluate("() => document.body.hasAttribute('data-audio-playing')")
    finally:
        context.set_offline(False)


# --------------------------------------------------------------------------- sign-out and updates


PUT_QUEUE_RECORD = """(value) => new Promise((resolve, reject) => {
  const open = indexedDB.open("mns-offline", 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("items")) { db.createObjectStore("items", { keyPath: "id" }); }
    if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta", { keyPath: "name" }); }
  };
  open.onsuccess = () => {
    const tx = open.result.transaction("meta", "readwrite");
    tx.objectStore("meta").put({ name: "test-kept", value: value });
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""

GET_QUEUE_RECORD = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("mns-offline");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("meta")) { db.close(); resolve(null); return; }
    const get = db.transaction("meta").objectStore("meta").get("test-kept");
    get.onsuccess = () => { db.close(); resolve(get.result ? get.result.value : null); };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""


def test_sign_out_clears_personal_caches_but_not_the_queue(
        page: Page, context: BrowserContext, live_server: LiveServer) -> None:
    learner_on_tablet(live_server, context, "Offline Signout")
    page.goto("/me/")
    wait_for_worker(page)
    hear_and_wait(page, page.locator('button.hear[data-src*="/speech/private/"]').first)
    assert "personal-speech" in cache_names(page)
    page.evaluate(PUT_QUEUE_RECORD, "unsent entry")
    sign_out(page)
    page.wait_for_selector("body[data-personal-cleared]")
    names = cache_names(page)
    assert not [name for name in names if name.startswith("personal-")], names
    assert [name for name in names if name.startswith("mns-shell-")], "the shared shell must stay"
    assert page.evaluate(GET_QUEUE_RECORD) == "unsent entry"


@pytest.fixture
def changed_stylesheet(live_server: LiveServer) -> Iterator[None]:
    """A new release, as far as the worker can tell: pwa.css under a new hash (the file is
    served whatever the hash). Put back afterwards, since the live server is shared."""
    versions: dict[str, str] = live_server.app.extensions["static_versions"]
    before = versions.get("css/pwa.css")
    versions["css/pwa.css"] = "feedfacefeedface"
    try:
        yield
    finally:
        if before is None:
            versions.pop("css/pwa.css", None)
        else:
            versions["css/pwa.css"] = before


def test_a_new_worker_takes_over_and_keeps_the_queue(page: Page, live_server: LiveServer,
                                                    request: pytest.FixtureRequest) -> None:
    page.goto("/")
    wait_for_worker(page)
    old = shell_cache(page)
    page.evaluate(PUT_QUEUE_RECORD, "queued before the update")
    page.evaluate("() => { window.__controllerChanged = false; navigator.serviceWorker.addEventListener("
                  "'controllerchange', () => { window.__controllerChanged = true; }); }")
    request.getfixturevalue("changed_stylesheet")
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function("() => window.__controllerChanged === true", timeout=WORKER_TIMEOUT_MS)
    wait_until(lambda: old not in cache_names(page), "the old shell cache was not deleted")
    # The new shell replaced the old one. (A file another release adds meanwhile may already have
    # started a version after it, so look in every shell cache there is now.)
    shells = [name for name in cache_names(page) if name.startswith("mns-shell-")]
    assert shells and old not in shells
    assert any(url.endswith("/static/css/pwa.css?v=feedfacefeedface") for name in shells
               for url in cached_urls(page, name))
    assert page.evaluate(GET_QUEUE_RECORD) == "queued before the update"


# --------------------------------------------------------------------------- installable


def lighthouse_installable(url: str, tmp_path: Path) -> dict[str, Any]:
    """Lighthouse's installable-manifest audit for ``url``, run against Debian's Chromium."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install Debian's npm (make system-deps does)")
    if not LIGHTHOUSE.exists():
        pytest.fail(f"{LIGHTHOUSE} is missing: `make test` installs lighthouse@11.7.1 into .tools/")
    report = tmp_path / "lighthouse.json"
    run = subprocess.run(
        [node, str(LIGHTHOUSE), url, "--only-audits=installable-manifest", "--output=json",
         f"--output-path={report}", "--quiet", "--max-wait-for-load=30000",
         f"--chrome-flags={CHROME_FLAGS}"],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, capture_output=True, text=True, timeout=180, check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(report.read_text())["audits"]["installable-manifest"]


def test_lighthouse_finds_the_app_installable(live_server: LiveServer, tmp_path: Path) -> None:
    audit = lighthouse_installable(live_server.url + "/", tmp_path)
    assert audit["score"] == 1, json.dumps(audit.get("details"), indent=1)[:2000]


@pytest.fixture
def app_without_manifest(tmp_path: Path, postgres_run: RunSchemas | None) -> Iterator[str]:
    """The same app, but its manifest answers 404: the audit must then fail."""
    app = create_app({
        **({"DATABASE_URL": postgres_run.fresh_schema("no_manifest")} if postgres_run is not None else {}),
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "no-manifest", "SPEECH_ENABLED": False,
    })
    migrate.upgrade(app)
    app.view_functions["app_shell.manifest"] = lambda: ("", 404)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_lighthouse_check_fails_without_a_manifest(app_without_manifest: str, tmp_path: Path) -> None:
    audit = lighthouse_installable(app_without_manifest, tmp_path)
    assert audit["score"] == 0
    reasons = json.dumps(audit.get("details"))
    assert "manifest" in reasons.lower(), reasons[:1000]

