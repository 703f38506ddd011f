"""Every full page of the browser walk is valid HTML, as the Nu HTML Checker (vnu) reads it.

The walk is the one ``test_crawl`` makes (each kind of person from their home page, following
every same-site link, one page per shape): here each page's HTML, exactly as the server sent it,
is saved into a folder, and the checker runs once over the whole folder, because starting Java
is the slow part. ``make test`` installs the pinned ``vnu-jar`` into ``.tools/`` and Debian's JRE;
without them this test fails rather than skips, so a machine cannot pass without checking.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright

from .conftest import ROOT, LiveServer, SessionCookies, ipad_context
from .test_crawl import MAX_PAGES_PER_ROLE, NOT_PAGES, _links, _shape

VNU_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CANARY = "zz-canary.html"
ADULTS = {"Helen Carter": "/staff/", "Priya Shah": "/staff/", "Nina Patel": "/family/"}


def _walk(browser: Browser, playwright: Playwright, live_server: LiveServer, cookies: list[dict[str, Any]],
          start: str, folder: Path, label: str) -> dict[str, str]:
    """Save the HTML of every full page reachable from ``start``; returns file name -> path."""
    context = ipad_context(browser, playwright, live_server.url)
    saved: dict[str, str] = {}
    try:
        if cookies:
            context.add_cookies(cookies)  # type: ignore[arg-type]
        page = context.new_page()
        queue, seen = [start], set()
        while queue:
            assert len(seen) <= MAX_PAGES_PER_ROLE * 2, f"the walk from {start} does not end"
            path = queue.pop(0)
            if _shape(path) in seen or NOT_PAGES.search(path):
                continue
            seen.add(_shape(path))
            response = page.goto(path)
            assert response is not None and response.status < 500, f"{path} gave {response and response.status}"
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            html = response.body()
            if html.lstrip()[:15].lower() == b"<!doctype html>":  # a whole page, not a fragment
                name = f"{label}-{len(saved):03d}.html"
                (folder / name).write_bytes(html)
                saved[name] = path
            queue += [link for link in _links(page) if _shape(link) not in seen]
    finally:
        context.close()
    return saved


def _nu_errors(folder: Path) -> list[dict[str, Any]]:
    """One run of the checker over every saved page; its JSON report comes on stderr."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install Debian's default-jre-headless (make system-deps does)")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: `make test` installs vnu-jar@26.9.27 into .tools/")
    files = sorted(str(path) for path in folder.glob("*.html"))
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(run.stderr or "{}")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    return [message for message in report.get("messages", []) if message.get("type") in ("error", "non-document-error")]


def test_every_page_of_the_walk_is_valid_html(browser: Browser, playwright: Playwright, live_server: LiveServer,
                                              adult_session_cookies: SessionCookies,
                                              learner_session_cookies: SessionCookies, tmp_path: Path) -> None:
    saved: dict[str, str] = {}
    for name, home in ADULTS.items():
        label = name.split()[0].lower()
        saved |= _walk(browser, playwright, live_server, adult_session_cookies(name), home, tmp_path, label)
    saved |= _walk(browser, playwright, live_server, learner_session_cookies("Sam Patel"), "/me/", tmp_path, "sam")
    saved |= _walk(browser, playwright, live_server, [], "/", tmp_path, "visitor")
    assert len(saved) >= 60, f"the walk reached only {len(saved)} pages"

    # A page known to be invalid rides along, so a checker that read nothing could not pass.
    (tmp_path / CANARY).write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                                   '<body><p hx-get="/x">htmx 2 reads data-hx-get; hx-get is not HTML</p></body></html>')
    reported = _nu_errors(tmp_path)
    canary = [m for m in reported if str(m.get("url", "")).endswith(CANARY)]
    assert len(canary) == 1 and "hx-get" in str(canary[0].get("message")), canary
    errors = [m for m in reported if m not in canary]
    where = [f"{saved.get(Path(str(m.get('url', ''))).name, m.get('url'))} line {m.get('lastLine')}: "
             f"{m.get('message')} [{(m.get('extract') or '').strip()[:120]}]" for m in errors]
    print(f"Nu HTML Checker: {len(saved)} pages, {len(errors)} errors")
    assert where == [], f"{len(errors)} Nu HTML Checker errors on {len(saved)} pages:\n  " + "\n  ".join(where)
