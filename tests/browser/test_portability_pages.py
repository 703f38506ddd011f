"""The portable portfolio in real Chromium at iPad size: the offline copy opened from a folder, and the import pages."""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import User
from tests.factories import World
from tests.portability.test_service import Rich, export_bytes, rich  # noqa: F401  (rich is a fixture)

from .conftest import LiveServer, SessionCookies, axe_check, check_accessible, ipad_context, screenshot

STANDARD_TARGET_PX = 44
STANDARD_TARGETS = (
    "button, a.button, label.button, summary, .choice label, select, textarea, "
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
)


@pytest.fixture(scope="module")
def sam_zip(browser: Browser, playwright: Playwright, live_server: LiveServer,
            adult_session_cookies: SessionCookies, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Priya saves Sam's portfolio the way the button does (a POST with her CSRF token); returns the zip."""
    with live_server.app.app_context():
        priya = db.session().scalars(select(User).where(User.display_name == "Priya Shah")).one()
        sam = db.session().scalars(select(User).where(User.display_name == "Sam Patel",
                                                      User.school_id == priya.school_id)).one()
        sam_id = sam.id
    ctx = ipad_context(browser, playwright, live_server.url)
    try:
        ctx.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
        page = ctx.new_page()
        page.goto("/staff/")
        token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
        response = page.request.post(f"/portability/learners/{sam_id}/export", form={"csrf_token": token})
        assert response.ok, f"export gave {response.status}"
        assert response.headers["content-disposition"].startswith("attachment;")
        path = tmp_path_factory.mktemp("export") / "sam.zip"
        path.write_bytes(response.body())
        return path
    finally:
        ctx.close()


@pytest.fixture
def unzipped(sam_zip: Path, tmp_path: Path) -> Path:
    """The zip unpacked into a folder, as a family would on their own computer; returns index.html."""
    (tmp_path / "sam.zip").write_bytes(sam_zip.read_bytes())
    with zipfile.ZipFile(io.BytesIO(sam_zip.read_bytes())) as archive:
        archive.extractall(tmp_path / "portfolio")
    return tmp_path / "portfolio" / "index.html"


@pytest.fixture
def offline_page(browser: Browser, playwright: Playwright) -> Iterator[Page]:
    """An iPad with no server behind it: the offline copy must not need one."""
    device = dict(playwright.devices["iPad (gen 7)"])
    device.pop("default_browser_type", None)
    ctx = browser.new_context(**device, locale="en-GB")
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def _load_every_image(page: Page) -> list[dict]:
    """Scroll each image into view (photos load lazily) and report how each one loaded."""
    images = page.locator("img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")
    return page.evaluate(
        "() => Array.from(document.images).map(img => ({src: img.getAttribute('src'), width: img.naturalWidth}))")


def test_offline_copy_opens_from_a_folder_with_photos_and_passes_axe(offline_page: Page, unzipped: Path) -> None:
    failed: list[str] = []
    offline_page.on("requestfailed", lambda request: failed.append(request.url))
    offline_page.goto(unzipped.as_uri())
    expect(offline_page.locator("h1")).to_contain_text("Sam Patel’s portfolio")
    images = _load_every_image(offline_page)
    photos = [image for image in images if image["src"].startswith("media/photos/")]
    assert photos, "Sam's portfolio should show at least one photo"
    assert all(image["width"] > 0 for image in images), [i for i in images if i["width"] == 0]
    # One player per recording the JSON lists (entries and passport statements in use), each playable here.
    document = json.loads(zipfile.ZipFile(unzipped.parent.parent / "sam.zip").read("portfolio.json"))
    voices = [e["voice"]["path"] for e in document["experiences"] if e["voice"]]
    voices += [s["voice"]["path"] for s in document["passport"] if s["voice"] and s["status"] == "active"]
    assert sorted(offline_page.locator("audio").evaluate_all("els => els.map(a => a.getAttribute('src'))")) == sorted(voices)
    assert offline_page.evaluate("() => Array.from(document.querySelectorAll('audio')).every(a => a.canPlayType('audio/mp4') !== '')")
    assert failed == []
    offline_page.evaluate("() => window.scrollTo(0, 0)")
    axe_check(offline_page)
    screenshot(offline_page, "portability-offline-copy")




def test_import_pages_pass_axe_and_have_big_targets(page: Page, adult_session_cookies: SessionCookies,
                                                    sam_zip: Path) -> None:
    """Grace, Hillview's careers leader, imports Sam's portfolio when he moves to Hillview College."""
    page.context.add_cookies(adult_session_cookies("Grace Lee"))  # type: ignore[arg-type]
    response = page.goto("/portability/import")
    assert response is not None and response.status == 200
    check_accessible(page, "portability-import", learner_sized=False)

    page.locator("#import-button").click()  # nothing chosen yet: a kind message, not a crash
    expect(page.get_by_role("alert")).to_contain_text("Please choose a group")
    check_accessible(page, "portability-import-error", learner_sized=False)

    page.locator("#field-portfolio").set_input_files(str(sam_zip))
    page.locator(".choice label").first.click()
    page.locator("#import-button").click()
    # The import runs as a job: its page says how it is going, and htmx brings the result when it is done.
    expect(page.locator("h1")).to_contain_text("Importing a portfolio")
    expect(page.locator("#job-progress")).to_contain_text("Sam Patel’s portfolio is imported", timeout=20_000)
    check_accessible(page, "portability-imported", learner_sized=False)
    page.locator("#open-learner").click()
    expect(page.locator("h1")).to_have_text("Sam Patel")


def test_offline_recordings_play_from_a_folder(offline_page: Page, app: Flask, world: World, rich: Rich,
                                               tmp_path: Path) -> None:
    """Demo Sam has no recordings, so this uses the service tests' Sam: his voice and his passport recording."""
    with zipfile.ZipFile(io.BytesIO(export_bytes(app, world.learner.id))) as archive:
        archive.extractall(tmp_path / "portfolio")
    offline_page.goto((tmp_path / "portfolio" / "index.html").as_uri())
    players = offline_page.locator("audio")
    expect(players).to_have_count(2)
    for index in range(players.count()):
        players.nth(index).evaluate("a => { a.preload = 'metadata'; a.load(); }")
    offline_page.wait_for_function(
        "() => Array.from(document.querySelectorAll('audio')).every(a => a.readyState >= 1 || a.error)")
    durations = players.evaluate_all("els => els.map(a => a.error ? -1 : a.duration)")
    assert all(duration > 1 for duration in durations), durations
    axe_check(offline_page)
