"""A planned placement today: Sam records it from his home in a few taps, with no typing.

The careers programme promises that an entry about a planned activity starts filled in (kind,
place, employer, dates) and goes straight to photos, what I did, how I felt and my voice. Every
tap is counted, and the journey fails above eight.
"""
from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, expect

from portfolio import db
from portfolio.models import Experience, ExperienceStatus, TagScheme
from tests.media_fixtures import FIXTURES

from .conftest import LiveServer, check_accessible, open_picture_check, path_is, person, screenshot
from .test_experience_journey import VOICE_SAVED_TIMEOUT_MS, Taps

# From the learner's home to a sent entry with one photo, one "what I did", a feeling and a voice.
ACTIVITY_TAP_CEILING = 8
RECORD_SECONDS = 2


def test_a_planned_placement_is_recorded_in_eight_taps_or_fewer(microphone_tablet: BrowserContext,
                                                                 live_server: LiveServer) -> None:
    sam = person(live_server.rows, "Sam Patel")
    page = microphone_tablet.new_page()
    open_picture_check(page, sam)
    page.locator(f"#picture-{sam['picture']}").tap()
    expect(page).to_have_url(path_is("/me/"))
    card = page.locator(".activity-button", has_text="Today: work placement at Green Fingers Garden Centre")
    expect(card).to_be_visible()
    check_accessible(page, "activity-learner-home", learner_sized=True)

    taps = Taps(page)
    taps.tap(card)
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/photos$"))
    entry_id = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    # The short path: four screens, with what, where and when already answered from the plan.
    expect(page.locator(".step-progress li")).to_have_count(4)
    check_accessible(page, "activity-step-photos", learner_sized=True)

    taps.pick_photo(page.locator(f"#photo-input-{entry_id}"), str(FIXTURES / "photo_small.png"))  # the library
    expect(page).to_have_url(re.compile(rf"/experiences/{entry_id}/steps/did$"))  # a photo moves on by itself

    taps.tap("#toggle-did-water-plants")
    expect(page.locator("#toggle-did-water-plants")).to_have_attribute("aria-pressed", "true")
    taps.tap("#step-next")
    expect(page).to_have_url(re.compile(rf"/experiences/{entry_id}/steps/feeling$"))

    taps.tap("#choose-feeling-feeling-loved")
    expect(page).to_have_url(re.compile(rf"/experiences/{entry_id}/steps/voice$"))  # one choice, so on it goes
    check_accessible(page, "activity-step-voice", learner_sized=True)

    taps.tap("#record-start")
    expect(page.locator("[data-recorder]")).to_have_attribute("data-recording", "1")
    page.wait_for_timeout(RECORD_SECONDS * 1000)
    with page.expect_response(lambda r: r.url.endswith(f"/experiences/{entry_id}/voice")
                              and r.request.method == "POST", timeout=VOICE_SAVED_TIMEOUT_MS) as saved:
        taps.tap("#record-stop")  # Stop keeps the recording on this short path
    assert saved.value.status == 200, saved.value.text()[:300]
    expect(page.locator("#play-voice")).to_be_visible(timeout=VOICE_SAVED_TIMEOUT_MS)
    screenshot(page, "activity-step-voice-kept", full_page=False)

    taps.tap("#step-send-now")
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}/sent"))
    screenshot(page, "activity-sent")

    print(f"activity entry taps: {taps.count}: {taps.log}")
    assert taps.count <= ACTIVITY_TAP_CEILING, f"{taps.count} taps:\n  " + "\n  ".join(taps.log)
    with live_server.app.app_context():
        entry = db.session().get(Experience, entry_id)
        assert entry is not None and entry.status == ExperienceStatus.WAITING.value
        assert entry.kind == "placement" and entry.place == "Green Fingers Garden Centre"
        assert entry.activity_id is not None and entry.activity.starts_on == entry.start_date
        assert len(entry.photos) == 1 and entry.voice is not None and entry.feeling == "feeling-loved"
        assert entry.tag_values(TagScheme.DID) == ["water-plants"]

    # Once sent, its card leaves the home (other activities stay); the entry is in the portfolio instead.
    page.goto("/me/")
    expect(page.locator(".activity-button", has_text="Green Fingers")).to_have_count(0)
    expect(page.locator(f"#experience-{entry_id}")).to_be_visible()
