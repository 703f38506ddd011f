"""Any words on a page can be heard with one tap, not only those with a Hear button.

The walk finds every visible run of words outside links, buttons and form controls (those
each have a Hear button beside them), taps the middle of its first word where a finger
would, and checks the words were picked up to be spoken.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import Row, learner_card_sign_in, person, sign_in_adult
from .test_speech_playback import PLAYING_TIMEOUT_MS, _looks_like_mp3

# Every element that holds words of its own, visible, outside controls and the Hear buttons.
_WORD_HOLDERS_JS = """
() => {
  const skip = "a, button, input, select, textarea, option, summary, audio, video, .hear, .visually-hidden, .skip-link, #live";
  const found = [];
  document.querySelectorAll("body *").forEach((el, index) => {
    if (el.closest(skip) || !el.getClientRects().length) { return; }
    const own = Array.from(el.childNodes).find((n) => n.nodeType === 3 && n.nodeValue.trim());
    if (!own) { return; }
    el.setAttribute("data-walk", String(index));
    found.push({ walk: String(index), words: own.nodeValue.trim().slice(0, 40) });
  });
  return found;
}
"""

# The middle of the first word of that element's own text, in page coordinates after scrolling it into view.
_FIRST_WORD_POINT_JS = """
(walk) => {
  const el = document.querySelector(`[data-walk="${walk}"]`);
  el.scrollIntoView({ block: "center" });
  const text = Array.from(el.childNodes).find((n) => n.nodeType === 3 && n.nodeValue.trim());
  const start = text.nodeValue.search(/\\S/);
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, Math.min(start + 2, text.nodeValue.length));
  const box = range.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}
"""

_MARKED_JS = """
(walk) => {
  const el = document.querySelector(`[data-walk="${walk}"]`);
  return !!el.closest('[data-state="playing"]') || !!el.querySelector('[data-state="playing"]');
}
"""


def _walk_every_word(page: Page) -> int:
    page.wait_for_load_state("load")  # the tap handler comes with the deferred script
    holders = page.evaluate(_WORD_HOLDERS_JS)
    assert holders, f"no words found on {page.url}"
    missed = []
    for holder in holders:
        page.evaluate("() => document.querySelectorAll('[data-state]').forEach((el) => el.removeAttribute('data-state'))")
        point = page.evaluate(_FIRST_WORD_POINT_JS, holder["walk"])
        page.mouse.click(point["x"], point["y"])
        if not page.evaluate(_MARKED_JS, holder["walk"]):
            missed.append(holder["words"])
    assert not missed, f"tapping these words on {page.url} did not read them: {missed}"
    return len(holders)


def test_tapping_a_class_name_speaks_it_with_the_server_voice(page: Page, demo_rows: list[Row]) -> None:
    sign_in_adult(page, person(demo_rows, "Priya Shah"))
    words = page.locator("main p", has_text="Oak class").first
    words.click()
    expect(words).to_have_attribute("data-state", "playing")
    page.wait_for_function("() => (document.body.getAttribute('data-audio-playing') || '').includes('/speech/tap')",
                           timeout=PLAYING_TIMEOUT_MS)
    src = page.evaluate("() => document.body.getAttribute('data-audio-playing')")
    assert "t=Oak%20class" in src, src
    response = page.request.get(src)
    assert response.status == 200 and _looks_like_mp3(response.body())


def test_tapping_a_link_still_just_follows_it(page: Page, demo_rows: list[Row]) -> None:
    sign_in_adult(page, person(demo_rows, "Priya Shah"))
    page.locator("a.button", has_text="Sam Patel").click()
    expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
    assert page.locator('[data-state="playing"]').count() == 0


@pytest.mark.parametrize("who,path", [
    ("Priya Shah", "/staff/"),
    ("Priya Shah", "sam"),
    ("Helen Carter", "/admin/people"),
    ("Nina Patel", "sam-family"),
])
def test_every_word_on_adult_pages_can_be_tapped(page: Page, demo_rows: list[Row], who: str, path: str) -> None:
    sign_in_adult(page, person(demo_rows, who))
    if path == "sam":
        page.locator("a.button", has_text="Sam Patel").click()
        expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
    elif path == "sam-family":  # Nina has one child, so signing in lands on Sam's page
        expect(page).to_have_url(re.compile(r"/family/learners/\d+$"))
    else:
        page.goto(path)
    assert _walk_every_word(page) >= 3


def test_every_word_on_a_learners_home_can_be_tapped(tablet_page: Page, demo_rows: list[Row]) -> None:
    learner_card_sign_in(tablet_page, person(demo_rows, "Sam Patel"))
    assert _walk_every_word(tablet_page) >= 3


def test_without_an_account_tapped_words_use_the_devices_voice(page: Page) -> None:
    page.goto("/login")
    words = page.locator("footer .tap-hint")
    words.click()
    expect(words).to_have_attribute("data-state", "playing")
    assert page.evaluate("() => document.body.hasAttribute('data-tap-speech')") is False
    assert page.evaluate("() => document.body.hasAttribute('data-audio-playing')") is False
