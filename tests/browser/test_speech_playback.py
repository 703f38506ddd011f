"""Read-aloud buttons really play server speech in the browser, under the app's CSP.

The button only sets ``data-audio-playing`` when the <audio> element fires ``playing``, so a
pass means the MP3 was fetched, decoded and started, not merely that a URL existed.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Row, person, sign_in_adult

# The first request warms up espeak-ng and encodes the MP3, so allow more than a page load.
PLAYING_TIMEOUT_MS = 30_000


def _looks_like_mp3(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame sync (11 set bits)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _play_and_fetch(page: Page, selector: str) -> str:
    """Tap a hear button, wait until its audio is playing, then fetch and check what was played."""
    button = page.locator(selector).first
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("() => document.body.hasAttribute('data-audio-playing')", timeout=PLAYING_TIMEOUT_MS)
    src = page.evaluate("() => document.body.getAttribute('data-audio-playing')")
    assert src, "the audio element reported playing without a source"
    response = page.request.get(src)
    assert response.status == 200, f"{src} gave {response.status}"
    assert response.headers["content-type"].split(";")[0].strip() == "audio/mpeg", response.headers["content-type"]
    body = response.body()
    assert len(body) > 1000, f"{src} is only {len(body)} bytes"
    assert _looks_like_mp3(body), f"{src} does not start like an MP3: {body[:4]!r}"
    return src


def test_interface_words_play_as_mp3(page: Page, demo_rows: list[Row]) -> None:
    """Interface words come from the public /speech/ui/ route and play on an iPad-sized page."""
    sign_in_adult(page, person(demo_rows, "Priya Shah"))
    selector = ".page-heading button.hear"
    assert "/speech/ui/" in (page.locator(selector).first.get_attribute("data-src") or "")
    src = _play_and_fetch(page, selector)
    assert "/speech/ui/" in src or "/static/audio/" in src, src
    expect(page.locator(selector).first).to_have_attribute("data-state", "playing")


def test_private_words_play_only_for_signed_in_people(page: Page, demo_rows: list[Row]) -> None:
    """A learner's name is spoken through /speech/private/, which needs the staff member's session."""
    sign_in_adult(page, person(demo_rows, "Priya Shah"))
    page.locator("a.button", has_text="Sam Patel").click()
    expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
    selector = '.page-heading button.hear[data-src*="/speech/private/"]'
    expect(page.locator(selector)).to_have_count(1)
    src = _play_and_fetch(page, selector)
    assert "/speech/private/" in src, src

    # The same link without the session must not speak a child's name to anyone.
    anonymous = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        refused = anonymous.request.get(src, max_redirects=0)
        assert refused.status in {302, 401, 403}, f"anonymous request for private speech gave {refused.status}"
        assert refused.headers.get("content-type", "").split(";")[0] != "audio/mpeg"
    finally:
        anonymous.close()
