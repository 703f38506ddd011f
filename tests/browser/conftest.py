"""Fixtures and helpers for the browser tests.

One live server (real app, real SQLite, demo data) and one Chromium are shared by the whole
session because starting them is the slow part; every test gets a fresh browser context, so
no cookie, tablet enrolment or sign-in leaks from one test into another.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from portfolio import create_app, db, migrate
from portfolio.demo import create_demo
from tests.postgres import RunSchemas

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
IPAD = "iPad (gen 7)"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Fail fast: a page of this app that takes 10 s to do anything is a failure anyway.
ACTION_TIMEOUT_MS = 10_000
TABLET_COOKIE = "school_tablet"
HOME_FOR_ROLE = {"admin": "/staff/", "staff": "/staff/", "parent": "/family/", "learner": "/me/"}

Row = dict[str, Any]

_axe = Axe()


# --------------------------------------------------------------------------- live server


@dataclass(frozen=True)
class LiveServer:
    """What tests need from the running app: its address, the app itself and the demo sign-ins."""

    url: str
    app: Flask
    rows: list[Row]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, postgres_run: RunSchemas | None) -> Iterator[LiveServer]:
    """The real app with demo data, served over HTTP in a thread, as a person would meet it. On PostgreSQL
    it has a schema of its own: the one other tests share is emptied after each of them."""
    root = tmp_path_factory.mktemp("browser-app")
    app = create_app({
        **({"DATABASE_URL": postgres_run.fresh_schema("browser")} if postgres_run is not None else {}),
        "INSTANCE_PATH": str(root / "instance"),
        "SECRET_KEY": "browser-tests",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_ADDRESS_RATE_LIMIT": "5000 per minute",
        # The tap walk taps every word on a page far faster than a person would.
        "TAP_SPEECH_RATE_LIMIT": "5000 per minute",
        "SPEECH_CACHE_DIR": str(root / "speech"),
        # INTERFACE_AUDIO_DIR stays the default (static/audio): /speech/ui/ redirects to a static URL.
    })
    migrate.upgrade(app)
    # Port 0: the OS picks a free port, which the demo's card links then carry.
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        session = db.session()
        rows = create_demo(session, url, hash_method=app.config["PASSWORD_HASH_METHOD"])
        session.commit()
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, rows=rows)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        engine = app.extensions.get("speech")
        if engine is not None:
            engine.shutdown()


@pytest.fixture(scope="session")
def demo_rows(live_server: LiveServer) -> list[Row]:
    """Every demo sign-in: adults with email and password, learners with card link, code and picture."""
    return live_server.rows


def person(rows: list[Row], name: str) -> Row:
    """The demo row for one named person, so tests read as 'Priya signs in'."""
    matches = [row for row in rows if row["name"] == name]
    assert len(matches) == 1, f"expected one demo person called {name!r}, found {len(matches)}"
    return matches[0]


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver for the session."""
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium. Missing Chromium is a broken machine, so fail rather than skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (never `playwright install`).", pytrace=False)
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


def ipad_context(browser: Browser, playwright: Playwright, base_url: str, *,
                 service_worker: bool = False) -> BrowserContext:
    """A new context that looks like the school iPads: 810x1080, touch, pixel ratio 2, British English.

    The app's service worker is blocked unless asked for: in each new context it would fetch all of
    its precache list (over 400 files) from the one test server, which only slows the page checks.
    The offline tests, the sign-in tests and the learner's entry journey run with it (the marker
    ``with_service_worker``), as a school iPad does."""
    device = dict(playwright.devices[IPAD])
    device.pop("default_browser_type", None)
    # The school's iPads are set up for the UK (dates read 23/11/2026 in date boxes).
    context = browser.new_context(**device, base_url=base_url, locale="en-GB", timezone_id="Europe/London",
                                  service_workers="allow" if service_worker else "block")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


def wants_service_worker(request: pytest.FixtureRequest) -> bool:
    """Whether the test (or its module) is marked ``with_service_worker``."""
    return request.node.get_closest_marker("with_service_worker") is not None


@pytest.fixture
def context(request: pytest.FixtureRequest, browser: Browser, playwright: Playwright,
            live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh iPad per test: no cookies, no enrolment, nobody signed in."""
    ctx = ipad_context(browser, playwright, live_server.url, service_worker=wants_service_worker(request))
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """The one tab of the fresh iPad."""
    return context.new_page()


@pytest.fixture(scope="session")
def tablet_cookie(browser: Browser, playwright: Playwright, live_server: LiveServer) -> dict[str, Any]:
    """The cookie of a Riverside tablet enrolled once through the real UI.

    Enrolling in every test would cost a sign-in each time; copying the cookie into a fresh
    context gives the same 'school tablet' state without sharing anything else.
    """
    ctx = ipad_context(browser, playwright, live_server.url)
    try:
        tab = ctx.new_page()
        enrol_tablet(tab, person(live_server.rows, "Priya Shah"))
        cookies = [c for c in ctx.cookies() if c["name"] == TABLET_COOKIE]
    finally:
        ctx.close()
    assert len(cookies) == 1, "enrolling the tablet did not set the school tablet cookie"
    return dict(cookies[0])


SessionCookies = Callable[[str], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def adult_session_cookies(browser: Browser, playwright: Playwright, live_server: LiveServer) -> SessionCookies:
    """Cookies of an adult signed in once through the real form, reused by later contexts.

    The sign-in tests prove the form works; pages that only need 'Helen is signed in'
    reuse that session instead of paying a scrypt check and three page loads every time.
    """
    cache: dict[str, list[dict[str, Any]]] = {}

    def cookies_for(name: str) -> list[dict[str, Any]]:
        if name not in cache:
            ctx = ipad_context(browser, playwright, live_server.url)
            try:
                sign_in_adult(ctx.new_page(), person(live_server.rows, name))
                cache[name] = [dict(c) for c in ctx.cookies() if c["name"] != TABLET_COOKIE]
            finally:
                ctx.close()
        return cache[name]

    return cookies_for


@pytest.fixture(scope="session")
def learner_session_cookies(browser: Browser, playwright: Playwright, live_server: LiveServer,
                            tablet_cookie: dict[str, Any]) -> SessionCookies:
    """Cookies of a learner signed in once with their card on the school tablet (tablet cookie included).

    Pages that only need 'Leo is signed in on the tablet' reuse that session; the card
    sign-in itself is proved by the sign-in tests and the experience journey.
    """
    cache: dict[str, list[dict[str, Any]]] = {}

    def cookies_for(name: str) -> list[dict[str, Any]]:
        if name not in cache:
            ctx = ipad_context(browser, playwright, live_server.url)
            try:
                ctx.add_cookies([tablet_cookie])  # type: ignore[list-item]
                learner_card_sign_in(ctx.new_page(), person(live_server.rows, name))
                cache[name] = [dict(c) for c in ctx.cookies()]
            finally:
                ctx.close()
        return cache[name]

    return cookies_for


def microphone_ipad(browser: Browser, playwright: Playwright, live: LiveServer, tablet_cookie: dict[str, Any], *,
                    service_worker: bool) -> Iterator[BrowserContext]:
    """A school iPad whose (fake) microphone learners may use, closed when the test is done."""
    ctx = ipad_context(browser, playwright, live.url, service_worker=service_worker)
    ctx.grant_permissions(["microphone"], origin=live.url)
    ctx.add_cookies([tablet_cookie])  # type: ignore[list-item]
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def microphone_tablet(request: pytest.FixtureRequest, browser: Browser, playwright: Playwright,
                      live_server: LiveServer, tablet_cookie: dict[str, Any]) -> Iterator[BrowserContext]:
    """A school iPad whose (fake) microphone learners may use, for journeys that record a voice."""
    yield from microphone_ipad(browser, playwright, live_server, tablet_cookie,
                               service_worker=wants_service_worker(request))


@pytest.fixture
def tablet_page(page: Page, tablet_cookie: dict[str, Any]) -> Page:
    """A fresh page on an iPad that is already a Riverside school tablet."""
    page.context.add_cookies([tablet_cookie])  # type: ignore[list-item]
    return page


# --------------------------------------------------------------------------- helpers


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for 'this path on the live server' (query strings not allowed)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"$")


def landing_for(role: str) -> re.Pattern[str]:
    """Where signing in lands: the role's home, but a parent with one child (every demo parent) goes
    straight to that child's page under /family/."""
    if role == "parent":
        return re.compile(r"^https?://[^/]+/family/(learners/\d+)?$")
    return path_is(HOME_FOR_ROLE[role])


def sign_in_adult(page: Page, row: Row) -> None:
    """Sign in through the real /login form and wait for the role's home page."""
    page.goto("/login")
    page.locator("#field-email").fill(row["email"])
    page.locator("#field-password").fill(row["password"])
    page.locator("#sign-in-button").click()
    expect(page).to_have_url(landing_for(row["role"]))
    # The URL changes before the deferred scripts run; later taps need their handlers in place.
    page.wait_for_load_state("load")


def sign_out(page: Page) -> None:
    """Press the header's sign-out button and wait for the welcome page."""
    page.locator("#sign-out").click()
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("#sign-out")).to_have_count(0)


def enrol_tablet(page: Page, staff_row: Row) -> None:
    """Make this browser a school tablet the way a TA does, then leave it signed out."""
    assert staff_row["role"] in {"staff", "admin"}, "only school staff can set up a tablet"
    sign_in_adult(page, staff_row)
    page.goto("/staff/tablet")
    page.locator("#enrol-tablet").click()
    expect(page.locator("#forget-tablet")).to_be_visible()
    sign_out(page)


def open_picture_check(page: Page, row: Row) -> None:
    """Open a learner's card link on a school tablet and wait for the picture check."""
    page.goto(row["login_url"])
    expect(page).to_have_url(path_is("/card/check"))
    expect(page.locator("button.picture-choice")).to_have_count(4)


def learner_card_sign_in(page: Page, row: Row) -> None:
    """Sign a learner in as they do: card link, then tap their own picture."""
    open_picture_check(page, row)
    page.locator(f"#picture-{row['picture']}").click()
    expect(page).to_have_url(path_is("/me/"))
    page.wait_for_load_state("load")


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """One readable block per axe rule: id, impact, what it means and every failing selector."""
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation.get('help', '')}")
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}  --  {summary[:300]}")
    return "\n".join(lines)


def axe_check(page: Page) -> None:
    """Run axe-core for WCAG 2.2 A/AA (target-size needs the wcag22aa tag) and demand zero violations."""
    results = _axe.run(page, options={
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    })
    violations = results.response["violations"]
    assert not violations, format_violations(page.url, violations)


LEARNER_TARGET_PX = 64
STANDARD_TARGET_PX = 44
LEARNER_TARGETS = "button, a.button, label.button, summary, input[type=radio]+label"
# Radio buttons and checkboxes sit inside their big .choice label, which is the real target,
# so they are measured through that label; every other form control is measured itself
# (a file input hidden behind its label.button is skipped as visually hidden, and the label measured).
STANDARD_TARGETS = (
    "button, a.button, label.button, summary, .choice label, select, textarea, "
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
)


def small_targets(page: Page, selector: str, minimum: int) -> list[str]:
    """Describe every visible target under ``selector`` smaller than ``minimum`` CSS px either way."""
    return page.evaluate(
        """([selector, minimum]) => {
            const describe = (el) => {
                let d = el.tagName.toLowerCase();
                if (el.id) d += '#' + el.id;
                if (el.className && typeof el.className === 'string') d += '.' + el.className.trim().split(/\\s+/).join('.');
                const label = el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '';
                return d + ' "' + label.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
            };
            const out = [];
            for (const el of document.querySelectorAll(selector)) {
                const s = getComputedStyle(el);
                const r = el.getBoundingClientRect();
                if (s.display === 'none' || s.visibility === 'hidden' || r.width === 0 || r.height === 0) continue;
                if (el.closest('.visually-hidden')) continue;
                if (r.width < minimum || r.height < minimum) {
                    out.push(describe(el) + ' is ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1));
                }
            }
            return out;
        }""",
        [selector, minimum],
    )


def check_accessible(page: Page, name: str | None = None, *, learner_sized: bool | None = None) -> None:
    """The checks every page gets: axe-core (WCAG 2.2 A/AA), target sizes (64 px on learner pages,
    44 px elsewhere; a learner page is told by its own ``page-learner`` class unless the test says),
    no sideways scrolling, and, with ``name``, a screenshot for people to look at."""
    page.wait_for_load_state("load")
    axe_check(page)
    if learner_sized is None:
        learner_sized = page.evaluate("() => document.documentElement.classList.contains('page-learner')")
    selector, minimum = (LEARNER_TARGETS, LEARNER_TARGET_PX) if learner_sized else (STANDARD_TARGETS, STANDARD_TARGET_PX)
    assert page.locator(selector).count() > 0, f"no targets found on {page.url}: is the selector right?"
    small = small_targets(page, selector, minimum)
    assert not small, f"{len(small)} target(s) under {minimum}x{minimum} px on {page.url}:\n  " + "\n  ".join(small)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"
    if name:
        screenshot(page, name)


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG for people to look at (test-artifacts/ is gitignored).

    Full page by default; ``full_page=False`` keeps just the screen, which is the honest picture
    of pages with a fixed bar (a full-page shot paints the bar half way down a long page).
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    # A picture taken before the symbols arrive shows blank tiles: wait for every eager image,
    # and fail if one is broken, since a missing symbol is a real fault on a learner's page.
    page.wait_for_load_state("load")
    page.wait_for_function(_IMAGES_SETTLED_JS, timeout=ACTION_TIMEOUT_MS)
    broken = page.evaluate(_BROKEN_IMAGES_JS)
    assert not broken, f"images that did not load on {page.url}: {broken}"
    page.screenshot(path=str(path), full_page=full_page)
    return path


_IMAGES_SETTLED_JS = "() => Array.from(document.images).every((i) => i.loading === 'lazy' || i.complete)"
_BROKEN_IMAGES_JS = """
() => Array.from(document.images)
  .filter((i) => i.complete && i.naturalWidth === 0 && i.getAttribute('src'))
  .map((i) => i.getAttribute('src'))
"""


def active_element_matches(page: Page, selector: str) -> bool:
    """Whether keyboard focus is on the element ``selector`` names."""
    return bool(page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector))


def tab_to(page: Page, selector: str, limit: int = 15) -> int:
    """Press Tab until ``selector`` has focus; fail if ``limit`` presses do not get there."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if active_element_matches(page, selector):
            return presses
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} Tab presses did not reach {selector}; focus is on {focused}")


def focus_outline(page: Page) -> dict[str, str]:
    """The computed outline of the focused element, to prove focus can be seen."""
    return page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor};
        }"""
    )


def assert_visible_focus(page: Page) -> None:
    """The focused element must draw an outline a sighted keyboard user can follow."""
    outline = focus_outline(page)
    assert outline["style"] != "none" and outline["width"] not in {"0px", ""}, (
        f"focused element has no visible outline: {outline}"
    )
