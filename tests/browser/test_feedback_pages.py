"""Employer feedback in a real browser.

Priya makes a feedback link for Sam's placement and gets the card; the employer opens it on a
phone (390x844, touch, no cookies), taps skills, records a voice note with Chromium's fake
microphone and sends it. Priya reads and checks it; then Sam, on the school iPad, sees "What
Green Fingers said" on the entry, hears it and plays the voice note. Every page passes axe and
the target-size check, and each is photographed for people to look at.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import ExperienceStatus, User
from tests.factories import make_experience
from tests.feedback.helpers import make_participant

from .conftest import LiveServer, SessionCookies, check_accessible, ipad_context, screenshot

PLAYING_TIMEOUT_MS = 30_000
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")




@pytest.fixture
def placement(live_server: LiveServer) -> dict[str, int]:
    """Sam on a placement at Green Fingers, with his entry about it (made through the models, since the
    careers pages and their demo data are built elsewhere)."""
    with live_server.app.app_context():
        session = db.session()
        helper = session.scalars(select(User).where(User.display_name == "Priya Shah")).one()
        sam = session.scalars(select(User).where(User.display_name == "Sam Patel",
                                                 User.school_id == helper.school_id)).one()
        participant = make_participant(session, sam, employer_name="Green Fingers")
        entry = make_experience(session, sam, sam, ExperienceStatus.SHARED, place="Green Fingers")
        entry.activity_id = participant.activity_id
        session.commit()
        return {"participant": participant.id, "entry": entry.id}


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """An employer's phone: small, touch, no cookies, microphone allowed (Chromium's fake one)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                  has_touch=True, user_agent=PHONE_UA, base_url=live_server.url, locale="en-GB",
                                  timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    context.grant_permissions(["microphone"], origin=live_server.url)
    try:
        yield context
    finally:
        context.close()


def _make_link(page: Page, participant_id: int) -> str:
    page.goto(f"/feedback/participants/{participant_id}")
    expect(page.locator("h1")).to_have_text("Feedback for Sam")
    check_accessible(page, "feedback-staff-before", learner_sized=False)
    page.locator("#make-feedback-link").click()
    expect(page).to_have_url(re.compile(rf"/feedback/participants/{participant_id}/card$"))
    expect(page.locator("img.feedback-qr")).to_be_visible()
    expect(page.locator(".feedback-card")).to_contain_text("Tell us how Sam got on")
    check_accessible(page, "feedback-card", learner_sized=False)
    page.emulate_media(media="print")
    screenshot(page, "feedback-card-print")
    expect(page.locator("#print-button")).to_be_hidden()
    page.emulate_media(media="screen")
    return page.locator("#feedback-url").input_value()


def _employer_sends(phone: BrowserContext, url: str) -> None:
    page = phone.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("Tell us how Sam got on")
    expect(page.locator(".site-header .who")).to_have_count(0)
    check_accessible(page, "feedback-form-phone", learner_sized=False)
    page.locator("label[for=skill-skill-teamwork-3]").tap()
    page.locator("label[for=skill-skill-timekeeping-2]").tap()
    page.locator("label[for=skill-skill-asking-for-help-1]").tap()
    expect(page.locator("#skill-skill-teamwork-3")).to_be_checked()
    page.locator("#field-went_well").fill("Sam watered every plant and said hello to customers.")
    page.locator("#field-work_on").fill("Asking when he is not sure.")
    page.locator("label[for=offer-1]").tap()

    recorder = page.locator("[data-recorder]")
    expect(recorder).to_be_visible()  # shown because this phone can record
    page.locator("#record-start").tap()
    expect(recorder).to_have_attribute("data-recording", "1")
    page.wait_for_timeout(1500)
    page.locator("#record-stop").tap()
    page.locator("#record-keep").tap()
    expect(page.locator("#recorder-state")).to_contain_text("Your message is ready")
    assert page.eval_on_selector("#field-voice", "input => input.files.length") == 1

    page.locator("#send-feedback").tap()
    expect(page.locator("#sent-notice")).to_contain_text("Your feedback has been sent")
    expect(page.locator("#skill-skill-teamwork-3")).to_be_checked()
    expect(page.locator("#send-feedback")).to_contain_text("Send the changes")
    check_accessible(page, "feedback-form-sent", learner_sized=False)
    hear = page.locator(".page-heading button.hear")
    assert "/hear/" in (hear.get_attribute("data-src") or "")
    hear.tap()
    page.wait_for_function("() => (document.body.getAttribute('data-audio-playing') || '').includes('/hear/')",
                           timeout=PLAYING_TIMEOUT_MS)


def test_an_employer_sends_feedback_from_a_phone_and_sam_hears_it(
        page: Page, browser: Browser, playwright: Playwright, live_server: LiveServer, phone: BrowserContext,
        placement: dict[str, int], adult_session_cookies: SessionCookies,
        learner_session_cookies: SessionCookies) -> None:
    participant_id = placement["participant"]
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
    url = _make_link(page, participant_id)
    assert re.match(rf"^{re.escape(live_server.url)}/feedback/f/[A-Za-z0-9_-]{{32}}$", url), url

    _employer_sends(phone, url)

    page.goto(f"/feedback/participants/{participant_id}")
    said = page.locator("#said")
    expect(said).to_contain_text("What Green Fingers said")
    expect(said).to_contain_text("Sam watered every plant")
    expect(said.locator(".feedback-skill")).to_have_count(3)
    expect(page.locator("#links")).to_contain_text("Opened 2 times")
    page.locator(".feedback-log summary").first.click()
    expect(page.locator(".feedback-log").first).to_contain_text("sent feedback (Mozilla/5.0 (iPhone")
    check_accessible(page, "feedback-staff-read", learner_sized=False)
    said.locator(".play-recording").click()
    page.wait_for_function("() => (document.body.getAttribute('data-audio-playing') || '').includes('/voice')",
                           timeout=PLAYING_TIMEOUT_MS)
    page.locator("#check-feedback").click()
    expect(page.locator(".notice")).to_contain_text("Sam and their family can see the feedback now")

    # The employer's page now says thank you and offers no form.
    locked = phone.new_page()
    locked.goto(url)
    expect(locked.locator("h1")).to_have_text("Thank you — the school has read this")
    expect(locked.locator("form.feedback-form")).to_have_count(0)
    check_accessible(locked, "feedback-thanks-phone", learner_sized=False)

    learner = ipad_context(browser, playwright, live_server.url)
    learner.add_cookies(learner_session_cookies("Sam Patel"))  # type: ignore[arg-type]
    try:
        sam = learner.new_page()
        sam.goto(f"/experiences/{placement['entry']}")
        section = sam.locator("#employer-feedback")
        expect(section).to_contain_text("What Green Fingers said")
        expect(section).to_contain_text("Sam watered every plant")
        expect(section.locator("#open-employer-feedback")).to_have_count(0)
        check_accessible(sam, "feedback-entry-learner", learner_sized=True)
        section.locator(".section-heading button.hear").click()
        sam.wait_for_function("() => (document.body.getAttribute('data-audio-playing') || '').includes('/speech/')",
                              timeout=PLAYING_TIMEOUT_MS)
        section.locator(".play-recording").click()
        sam.wait_for_function(
            "() => (document.body.getAttribute('data-audio-playing') || '').includes('/feedback/participants/')",
            timeout=PLAYING_TIMEOUT_MS)
    finally:
        learner.close()
