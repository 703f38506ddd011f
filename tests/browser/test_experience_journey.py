"""One work experience from a learner's tap on "Add" to a parent hearing it, on iPad-sized pages.

Sam makes the entry on a school tablet with a (fake) microphone, Priya checks and shares it,
Nina sees it, hears it and gets the photo upright with no location in it, and Chris, another
parent, cannot open it. Every tap Sam makes is counted, because each extra tap is work for a
learner with SEND. A second test makes a choice with the keyboard only, as a switch user does.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect

from tests.conftest import FIXTURES

from .conftest import (
    LiveServer,
    Row,
    SessionCookies,
    active_element_matches,
    assert_visible_focus,
    ipad_context,
    open_picture_check,
    path_is,
    person,
    screenshot,
    tab_to,
)

# A learner makes a whole entry in this many taps or fewer; more would be too much work.
TAP_CEILING = 30
# The first read-aloud warms up the speech engine and encodes an MP3.
PLAYING_TIMEOUT_MS = 30_000
# The server turns the recording into AAC and swaps the step back in.
VOICE_SAVED_TIMEOUT_MS = 20_000
RECORD_SECONDS = 2


class Taps:
    """Every tap (and photo pick) the learner makes goes through here, so it can be counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.log: list[str] = []

    def tap(self, target: str | Locator) -> None:
        """A real touch tap (the iPad context has touch), not a mouse click."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        locator.tap()
        self.count += 1
        self.log.append(str(target))

    def pick_photo(self, file_input: Locator, path: str) -> None:
        file_input.set_input_files(path)
        self.count += 1
        self.log.append(f"photo {path}")


def _next(taps: Taps, key: str) -> None:
    """Tap Next and wait for the next step's screen."""
    taps.tap("#step-next")
    expect(taps.page).to_have_url(re.compile(rf"/experiences/\d+/steps/{key}$"))
    expect(taps.page.locator(f"#step-{key}")).to_be_visible()


def _choose(taps: Taps, selector: str) -> None:
    """Tap a symbol and wait until its step has come back from the server with it chosen."""
    taps.tap(selector)
    expect(taps.page.locator(selector)).to_have_attribute("aria-pressed", "true")


@pytest.fixture
def learner_context(browser: Browser, playwright: Playwright, live_server: LiveServer,
                    tablet_cookie: dict[str, Any]) -> Iterator[BrowserContext]:
    """A school tablet whose microphone the learner may use (Chromium's fake one)."""
    ctx = ipad_context(browser, playwright, live_server.url)
    ctx.grant_permissions(["microphone"], origin=live_server.url)
    ctx.add_cookies([tablet_cookie])  # type: ignore[list-item]
    try:
        yield ctx
    finally:
        ctx.close()


def _adult_page(browser: Browser, playwright: Playwright, live_server: LiveServer,
                cookies: list[dict[str, Any]]) -> BrowserContext:
    ctx = ipad_context(browser, playwright, live_server.url)
    ctx.add_cookies(cookies)  # type: ignore[arg-type]
    return ctx


def _wait_for_audio(page: Page, fragment: str) -> str:
    """Wait until app.js reports an <audio> really playing a source containing ``fragment``."""
    page.wait_for_function(
        "(f) => (document.body.getAttribute('data-audio-playing') || '').includes(f)",
        arg=fragment, timeout=PLAYING_TIMEOUT_MS,
    )
    return page.evaluate("() => document.body.getAttribute('data-audio-playing')")


def _make_entry(page: Page, sam: Row) -> tuple[int, Taps]:
    """Sam makes a whole entry by tapping, as he would on the tablet. Returns the entry id and the taps."""
    taps = Taps(page)
    open_picture_check(page, sam)
    taps.tap(f"#picture-{sam['picture']}")
    expect(page).to_have_url(path_is("/me/"))

    taps.tap("#add-experience")
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/kind$"))
    entry_id = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    expect(page.locator("h1")).to_have_text("What did you do?")
    expect(page.locator(".step-progress [aria-current=step]")).to_contain_text("What")
    screenshot(page, "step-kind", full_page=False)
    _choose(taps, "#choose-kind-placement")
    _next(taps, "place")

    _choose(taps, "#choose-place-garden-centre")
    _next(taps, "date")

    _choose(taps, "#choose-date-today")
    _next(taps, "photos")

    photo_input = page.locator(f"#photo-input-{entry_id}")
    taps.pick_photo(photo_input, str(FIXTURES / "photo_sideways_gps.jpg"))
    expect(page.locator("#step-photos .photo-item")).to_have_count(1)
    thumb = page.locator("#step-photos .photo-thumb").first
    expect(thumb).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    screenshot(page, "step-photos-with-photo", full_page=False)
    _next(taps, "did")

    _choose(taps, "#toggle-did-water-plants")
    _choose(taps, "#toggle-did-serve-customers")
    expect(page.locator("#step-did .chosen-list")).to_contain_text("water plants")
    screenshot(page, "step-did-two-chosen", full_page=False)
    _next(taps, "feeling")

    _choose(taps, "#choose-feeling-feeling-loved")
    _next(taps, "skills")

    _choose(taps, "#toggle-skills-skill-teamwork")
    _choose(taps, "#toggle-skills-skill-customers")
    _next(taps, "job")

    _choose(taps, "#choose-job-yes")
    _next(taps, "words")

    for word in ("I", "helped", "fun"):
        before = page.locator("#caption-now .caption-word").count()
        taps.tap(page.locator("#step-words .word-tile", has_text=re.compile(rf"^\s*{word}\s*$")).first)
        expect(page.locator("#caption-now .caption-word")).to_have_count(before + 1)
    expect(page.locator("#caption-now .caption")).to_contain_text("I helped fun")
    _next(taps, "voice")

    recorder = page.locator("[data-recorder]")
    expect(recorder).to_be_visible()
    taps.tap("#record-start")
    expect(recorder).to_have_attribute("data-recording", "1")
    expect(page.locator("#record-stop")).to_be_enabled()
    page.wait_for_timeout(RECORD_SECONDS * 1000)
    screenshot(page, "step-voice-recording", full_page=False)
    taps.tap("#record-stop")
    expect(page.locator("#record-keep")).to_be_enabled()
    with page.expect_response(lambda r: r.url.endswith(f"/experiences/{entry_id}/voice")
                              and r.request.method == "POST", timeout=VOICE_SAVED_TIMEOUT_MS) as saved:
        taps.tap("#record-keep")
    assert saved.value.status == 200, f"saving the voice gave {saved.value.status}: {saved.value.text()[:300]}"
    expect(page.locator("#play-voice")).to_be_visible(timeout=VOICE_SAVED_TIMEOUT_MS)
    expect(page.locator("#play-voice")).to_be_focused()
    screenshot(page, "step-voice-kept", full_page=False)
    _next(taps, "send")

    summary = page.locator("#step-send .summary")
    expect(summary).to_contain_text("water plants")
    expect(summary).to_contain_text("teamwork")
    expect(summary.locator("img.photo-display")).to_have_count(1)
    expect(summary.locator(".play-recording")).to_have_count(1)
    screenshot(page, "step-send", full_page=False)
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    screenshot(page, "step-send-end", full_page=False)
    taps.tap("#send-entry")
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}/sent"))
    expect(page.locator("h1")).to_have_text("Sent to Priya Shah to check")
    screenshot(page, "sent")

    page.locator("#sent-home").click()  # the journey is over: going home is not part of making the entry
    expect(page.locator(f"#experience-{entry_id}")).to_contain_text("Waiting")
    screenshot(page, "learner-home-sam-with-entries")
    return entry_id, taps


def _check_and_share(page: Page, entry_id: int) -> None:
    """Priya finds the entry in her queue, says how much help Sam had and shares it."""
    page.goto("/staff/to-check")
    card = page.locator(f"#experience-{entry_id}")
    expect(card).to_contain_text("Work placement")
    screenshot(page, "staff-to-check")
    card.locator("a.experience-link").click()
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}/edit#check"))
    expect(page.locator("#check")).to_be_in_viewport()
    screenshot(page, "staff-edit")
    screenshot(page, "staff-edit-screen", full_page=False)
    page.locator("label[for=check-help-2]").click()
    expect(page.locator("#check-help-2")).to_be_checked()
    page.locator("#approve-entry").click()
    expect(page).to_have_url(re.compile(rf"/staff/to-check\?done={entry_id}$"))
    expect(page.locator(f"#experience-{entry_id}")).to_have_count(0)


def _family_sees_and_hears(page: Page, sam: Row, entry_id: int) -> str:
    """Nina opens Sam's page, finds the new card, opens it, hears it and plays Sam's own voice."""
    page.goto("/family/")
    page.locator("a.button", has_text=sam["name"]).click()
    expect(page).to_have_url(re.compile(r"/family/learners/\d+$"))
    card = page.locator(f"li.experience-card#experience-{entry_id}")
    expect(card).to_be_visible()
    expect(page.locator("li.experience-card").first).to_have_id(f"experience-{entry_id}")  # newest first
    screenshot(page, "family-child")
    card.locator("a.experience-link").click()
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}"))

    page.locator(".summary .summary-head button.hear").click()
    spoken = _wait_for_audio(page, "/speech/")
    assert spoken.startswith("http"), spoken
    page.evaluate("() => document.body.removeAttribute('data-audio-playing')")

    page.locator(".summary button.play-recording").click()
    voice_src = _wait_for_audio(page, f"/experiences/{entry_id}/voice")
    voice = page.request.get(voice_src)
    assert voice.status == 200
    assert voice.headers["content-type"].split(";")[0] in {"audio/mp4", "audio/x-m4a", "audio/aac"}, voice.headers
    assert b"ftyp" in voice.body()[:16], "the stored voice is not an MP4/M4A file"

    src = page.locator(".summary img.photo-display").first.get_attribute("src")
    assert src
    response = page.request.get(src)
    assert response.status == 200
    body = response.body()
    image = Image.open(io.BytesIO(body))
    width, height = image.size
    assert height > width, f"the photo should be upright (portrait), it is {width}x{height}"
    red, green, blue = image.convert("RGB").getpixel((width // 20, height // 20))
    assert red > 180 and green < 80 and blue < 80, f"the top-left should be red, it is {(red, green, blue)}"
    assert not image.getexif(), "the stored photo still carries EXIF"
    assert b"Exif\x00\x00" not in body and b"GPS" not in body, "EXIF or GPS bytes are in the stored photo"
    return src


def test_learner_makes_an_entry_that_the_family_hears(
    learner_context: BrowserContext, browser: Browser, playwright: Playwright, live_server: LiveServer,
    demo_rows: list[Row], adult_session_cookies: SessionCookies,
) -> None:
    sam = person(demo_rows, "Sam Patel")
    entry_id, taps = _make_entry(learner_context.new_page(), sam)
    print(f"learner taps: {taps.count}")
    assert taps.count <= TAP_CEILING, f"{taps.count} taps is too many for one entry:\n  " + "\n  ".join(taps.log)

    staff = _adult_page(browser, playwright, live_server, adult_session_cookies("Priya Shah"))
    try:
        _check_and_share(staff.new_page(), entry_id)
    finally:
        staff.close()

    family = _adult_page(browser, playwright, live_server, adult_session_cookies("Nina Patel"))
    try:
        photo_src = _family_sees_and_hears(family.new_page(), sam, entry_id)
    finally:
        family.close()

    # Chris is Maya's dad: Sam's entry, his voice and his photo are none of his business.
    other = _adult_page(browser, playwright, live_server, adult_session_cookies("Chris Jones"))
    try:
        for url in (f"{live_server.url}/experiences/{entry_id}", f"{live_server.url}/experiences/{entry_id}/voice",
                    photo_src):
            refused = other.request.get(url, max_redirects=0)
            assert refused.status == 403, f"another family's parent got {refused.status} for {url}"
    finally:
        other.close()


def test_keyboard_user_chooses_a_symbol_and_keeps_focus(tablet_page: Page, demo_rows: list[Row]) -> None:
    """Tom chooses with Tab and Enter (and takes it away with Space); focus stays on the symbol after the swap."""
    page = tablet_page
    tom = person(demo_rows, "Tom Reid")
    open_picture_check(page, tom)
    tab_to(page, f"#picture-{tom['picture']}", limit=25)
    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/me/"))
    tab_to(page, "#add-experience", limit=25)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/kind$"))
    page.wait_for_load_state("load")  # htmx must be running before the swap is tested

    placement = "#choose-kind-placement"
    tab_to(page, placement, limit=40)
    assert_visible_focus(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.keyboard.press("Enter")
    expect(page.locator(placement)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(placement)).to_be_focused()
    expect(page.locator("#live")).to_contain_text("Chosen: Work placement")
    assert page.evaluate("() => window.__sameDocument === true"), "choosing reloaded the page instead of swapping"

    # The next symbol along, chosen with Space, takes over: one kind at a time, focus still on the tapped one.
    page.keyboard.press("Tab")  # the placement's Hear button
    page.keyboard.press("Tab")
    assert active_element_matches(page, "#step-kind .symbol-choice"), "Tab did not move to the next symbol"
    chosen_id = page.evaluate("() => document.activeElement.id")
    page.keyboard.press("Space")
    expect(page.locator(f"#{chosen_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#{chosen_id}")).to_be_focused()
    expect(page.locator(placement)).to_have_attribute("aria-pressed", "false")
    assert_visible_focus(page)
