"""One work experience from a learner's tap on "Add" to a parent hearing it, on iPad-sized pages.

Sam makes the entry on a school tablet with a (fake) microphone, Priya checks and shares it,
Nina sees it, hears it and gets the photo upright with no location in it, and Chris, another
parent, cannot open it. Every tap Sam makes is counted, because each extra tap is work for a
learner with SEND (10 at most, from his home). A second test makes choices with the keyboard only,
as a switch user does; a third jumps with the step strip and sends too early, so Send names the
missing step and its button goes there.
"""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import User
from portfolio.people import cards
from tests.conftest import FIXTURES

from .conftest import (
    LiveServer,
    Row,
    SessionCookies,
    assert_visible_focus,
    check_accessible,
    ipad_context,
    open_picture_check,
    path_is,
    person,
    screenshot,
    tab_to,
)

# The learner's whole entry with the worker running, as on a school iPad.
pytestmark = pytest.mark.with_service_worker

# From the learner's home to a sent entry with one photo, one "what I did", a feeling and a voice
# recording, with no typing: Add, kind, place, photo, did, Done, feeling, Record, Stop, Send.
TAP_CEILING = 10
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


def _wait_for_step(page: Page, key: str, entry_id: int | None = None) -> None:
    """Wait for a step's screen after a tap that moves on by itself (or Next, Done, a strip button)."""
    number = str(entry_id) if entry_id is not None else r"\d+"
    expect(page).to_have_url(re.compile(rf"/experiences/{number}/steps/{key}$"))
    expect(page.locator(f"#step-{key}")).to_be_visible()


def _make_entry(page: Page, sam: Row) -> tuple[int, Taps]:
    """Sam makes an entry by tapping, as he would on the tablet: one photo, one "what I did", a feeling
    and his voice. Counting starts on his home. Returns the entry id and the taps."""
    open_picture_check(page, sam)
    page.locator(f"#picture-{sam['picture']}").tap()  # signing in is not part of making the entry
    expect(page).to_have_url(path_is("/me/"))
    taps = Taps(page)

    taps.tap("#add-experience")
    _wait_for_step(page, "kind")
    entry_id = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    expect(page.locator("h1")).to_have_text("What did you do?")
    expect(page.locator(".step-progress [aria-current=step]")).to_contain_text("What")
    expect(page.locator("#live")).to_have_text("Step 1 of 6: What did you do?")  # said politely, never played
    screenshot(page, "step-kind", full_page=False)
    taps.tap("#choose-kind-placement")  # one answer: on it goes
    _wait_for_step(page, "place", entry_id)

    taps.tap("#choose-place-garden-centre")
    _wait_for_step(page, "photos", entry_id)  # made today, so "When" is skipped...
    expect(page.locator("#jump-date")).to_contain_text("Today")  # ...and shown done in the strip
    expect(page.locator(".step-item.done #jump-date")).to_have_count(1)
    screenshot(page, "step-photos", full_page=False)

    taps.pick_photo(page.locator(f"#photo-input-{entry_id}"), str(FIXTURES / "photo_sideways_gps.jpg"))
    _wait_for_step(page, "did", entry_id)  # a photo picked moves on

    taps.tap("#toggle-did-water-plants")
    expect(page.locator("#toggle-did-water-plants")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#step-did .chosen-list")).to_contain_text("water plants")
    expect(page.locator("#step-next")).to_contain_text("Done")
    screenshot(page, "step-did-chosen", full_page=False)
    taps.tap("#step-next")
    _wait_for_step(page, "feeling", entry_id)

    taps.tap("#choose-feeling-feeling-loved")
    _wait_for_step(page, "voice", entry_id)
    expect(page.locator("#more-skills")).to_be_visible()  # the extras are offered, not a must

    recorder = page.locator("[data-recorder]")
    expect(recorder).to_be_visible()
    taps.tap("#record-start")
    expect(recorder).to_have_attribute("data-recording", "1")
    expect(page.locator("#record-stop")).to_be_enabled()
    page.wait_for_timeout(RECORD_SECONDS * 1000)
    screenshot(page, "step-voice-recording", full_page=False)
    with page.expect_response(lambda r: r.url.endswith(f"/experiences/{entry_id}/voice")
                              and r.request.method == "POST", timeout=VOICE_SAVED_TIMEOUT_MS) as saved:
        taps.tap("#record-stop")  # Stop keeps the recording
    assert saved.value.status == 200, f"saving the voice gave {saved.value.status}: {saved.value.text()[:300]}"
    expect(page.locator("#play-voice")).to_be_visible(timeout=VOICE_SAVED_TIMEOUT_MS)
    expect(page.locator("#play-voice")).to_be_focused()
    screenshot(page, "step-voice-kept", full_page=False)

    taps.tap("#step-send-now")
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
    if not re.search(r"/family/learners/\d+$", page.url):  # a parent of one child lands on that child's page
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
    microphone_tablet: BrowserContext, browser: Browser, playwright: Playwright, live_server: LiveServer,
    demo_rows: list[Row], adult_session_cookies: SessionCookies,
) -> None:
    sam = person(demo_rows, "Sam Patel")
    entry_id, taps = _make_entry(microphone_tablet.new_page(), sam)
    print(f"learner entry taps: {taps.count}: {taps.log}")
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
    """Tom chooses with Tab and Enter: a one-answer choice moves on; on a step with several answers
    (what I did) a choice swaps in place and focus stays on the symbol (and Space takes it away)."""
    page = tablet_page
    tom = person(demo_rows, "Tom Reid")
    open_picture_check(page, tom)
    tab_to(page, f"#picture-{tom['picture']}", limit=25)
    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/me/"))
    tab_to(page, "#add-experience", limit=25)
    page.keyboard.press("Enter")
    _wait_for_step(page, "kind")
    entry_id = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    page.wait_for_load_state("load")

    tab_to(page, "#choose-kind-placement", limit=60)
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    _wait_for_step(page, "place", entry_id)
    expect(page.locator("#live")).to_contain_text("Step 2 of")

    tab_to(page, "#jump-did", limit=30)  # the strip, by keyboard
    page.keyboard.press("Enter")
    _wait_for_step(page, "did", entry_id)
    page.wait_for_load_state("load")  # htmx must be running before the swap is tested

    chosen = "#toggle-did-water-plants"
    tab_to(page, chosen, limit=80)
    assert_visible_focus(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.keyboard.press("Enter")
    expect(page.locator(chosen)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(chosen)).to_be_focused()
    expect(page.locator("#live")).to_contain_text("Chosen: water plants")
    assert page.evaluate("() => window.__sameDocument === true"), "choosing reloaded the page instead of swapping"
    page.keyboard.press("Space")
    expect(page.locator(chosen)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(chosen)).to_be_focused()
    assert_visible_focus(page)


def _strip_labels_fit(page: Page) -> None:
    """At extra-large text with high contrast every strip label is shown, inside its own button, and the
    strip wraps into more rows instead of running off the side."""
    page.evaluate("() => document.documentElement.classList.add('text-extra-large', 'contrast-high')")
    outside = page.evaluate("""() => [...document.querySelectorAll('.step-jump')].flatMap((button) => {
        const box = button.getBoundingClientRect();
        const label = button.querySelector('.step-label');
        const text = label.getBoundingClientRect();
        const hidden = getComputedStyle(label).display === 'none' || text.width === 0;
        const spills = text.left < box.left - 0.5 || text.right > box.right + 0.5
            || text.top < box.top - 0.5 || text.bottom > box.bottom + 0.5 || label.scrollWidth > label.clientWidth + 1;
        return hidden || spills ? [button.id + ' ' + label.textContent] : [];
    })""")
    assert not outside, f"strip labels hidden or outside their buttons at extra-large text: {outside}"
    rows = page.evaluate("() => new Set([...document.querySelectorAll('.step-jump')].map((b) => Math.round(b.getBoundingClientRect().top))).size")
    assert rows >= 2, "at extra-large text the strip should wrap into rows"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at extra-large text"
    screenshot(page, "step-voice-extra-large", full_page=False)
    page.evaluate("() => document.documentElement.classList.remove('text-extra-large', 'contrast-high')")


def _fresh_card(live: LiveServer, row: Row, staff_name: str) -> Row:
    """The learner's row with a card made now: another test prints Ruby a new card, which stops the
    one the demo made, so a test that signs her in makes its own."""
    with live.app.app_context():
        dbs = db.session()
        learner = dbs.scalar(select(User).where(User.display_name == row["name"]))
        staff = dbs.scalar(select(User).where(User.display_name == staff_name))
        assert learner is not None and staff is not None
        issued = cards.issue_card(dbs, learner, staff, 30)
        dbs.commit()
    return {**row, "login_url": f"{live.url}/card/{issued.token}"}


def test_the_strip_jumps_and_send_names_the_missing_step(tablet_page: Page, demo_rows: list[Row],
                                                         live_server: LiveServer) -> None:
    """Ruby jumps from the strip straight to "Check and send" without choosing what she did: Send names
    the missing step, its button takes her there, and once chosen she sends from the last step."""
    page = tablet_page
    ruby = _fresh_card(live_server, person(demo_rows, "Ruby Green"), "Daniel Okafor")
    open_picture_check(page, ruby)
    page.locator(f"#picture-{ruby['picture']}").tap()
    expect(page).to_have_url(path_is("/me/"))
    page.locator("#add-experience").tap()
    _wait_for_step(page, "kind")
    entry_id = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    check_accessible(page, "step-kind-strip", learner_sized=True)

    page.locator("#jump-send").tap()
    _wait_for_step(page, "send", entry_id)
    expect(page.locator(".step-item.missing #jump-kind")).to_have_count(1)
    expect(page.locator("#step-send")).to_contain_text("Please choose what you did first.")
    page.locator("#send-entry").tap()
    expect(page.locator("#step-send [role=alert]")).to_contain_text("Please choose what you did first.")
    screenshot(page, "send-names-missing", full_page=False)
    check_accessible(page, learner_sized=True)
    page.locator("#go-missing-kind").tap()
    _wait_for_step(page, "kind", entry_id)

    page.locator("#choose-kind-visit").tap()
    _wait_for_step(page, "place", entry_id)
    page.locator("#jump-voice").tap()
    _wait_for_step(page, "voice", entry_id)
    expect(page.locator("#live")).to_have_text("Step 6 of 6: Record your voice")
    check_accessible(page, "step-voice-add-more", learner_sized=True)
    _strip_labels_fit(page)
    page.locator("#step-send-now").tap()
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}/sent"))
