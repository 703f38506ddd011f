"""Sharing outside school in a real browser at iPad size.

Priya sets Sam's photo consent and makes an About me link for a garden centre; an employer
opens it in a fresh browser with no cookies, sees the symbol-supported page and hears it read
aloud. Every page passes axe and the 44 px target check; stopped and expired links get the
friendly page.
"""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import ShareLink, utcnow

from .conftest import LiveServer, SessionCookies, check_accessible, ipad_context

PLAYING_TIMEOUT_MS = 30_000




def _open_as_employer(browser: Browser, playwright: Playwright, live_server: LiveServer, url: str,
                      status: int) -> tuple[Page, object]:
    context = ipad_context(browser, playwright, live_server.url)
    assert context.cookies() == []
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url} gave {response and response.status}"
    return page, context


def test_employer_opens_a_share_link_and_hears_it(page: Page, browser: Browser, playwright: Playwright,
                                                  live_server: LiveServer,
                                                  adult_session_cookies: SessionCookies) -> None:
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
    page.goto("/staff/")
    page.locator("a.button", has_text="Sam Patel").click()
    expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
    base = page.url

    page.goto(base + "/consent")
    check_accessible(page, "sharing-consent", learner_sized=False)
    page.locator("label[for=consent-outside-school-1]").click()
    page.locator("#save-consent").click()
    expect(page.locator(".notice")).to_contain_text("Photo consent for Sam is saved.")

    page.goto(base + "/share/new")
    expect(page.locator("#consent-notice")).to_have_count(0)
    check_accessible(page, "sharing-new-link", learner_sized=False)
    page.locator("#field-audience").fill("Green Fingers Garden Centre")
    garden = page.locator("#choose-entries .choice", has_text="Green Fingers Garden Centre")
    garden.locator("label").click()
    page.locator("label[for=days-1]").click()
    page.locator("#make-link").click()
    expect(page).to_have_url(re.compile(r"/share/\d+/created$"))
    expect(page.locator("img.share-qr")).to_be_visible()
    check_accessible(page, "sharing-created", learner_sized=False)
    share_url = page.locator("#share-url").input_value()
    assert re.match(rf"^{re.escape(live_server.url)}/share/[A-Za-z0-9_-]{{32}}$", share_url), share_url

    employer, context = _open_as_employer(browser, playwright, live_server, share_url, 200)
    try:
        expect(employer.locator("h1")).to_have_text("About me: Sam")
        expect(employer.locator(".site-header .who")).to_have_count(0)
        expect(employer.locator(".share-experience")).to_have_count(1)
        expect(employer.locator(".share-experience img.photo-display")).to_be_visible()
        expect(employer.locator(".share-experience .symbol-strip img").first).to_be_visible()
        check_accessible(employer, "sharing-shared-page", learner_sized=False)
        hear = employer.locator(".share-experience button.hear").first
        assert "/hear/" in (hear.get_attribute("data-src") or "")
        hear.click()
        employer.wait_for_function("() => document.body.hasAttribute('data-audio-playing')",
                                   timeout=PLAYING_TIMEOUT_MS)
        playing = employer.evaluate("() => document.body.getAttribute('data-audio-playing')")
        assert "/share/" in playing and "/hear/" in playing, playing
    finally:
        context.close()  # type: ignore[attr-defined]

    page.goto(base + "/share")
    link = page.locator(".share-link", has_text="Green Fingers Garden Centre").first
    expect(link).to_contain_text("Working")
    expect(link).not_to_contain_text("Opened 0 times")
    check_accessible(page, "sharing-links", learner_sized=False)
    link.locator("button", has_text="Stop this link").click()
    expect(page.locator(".notice")).to_contain_text("The link has been stopped")

    stopped, context = _open_as_employer(browser, playwright, live_server, share_url, 410)
    try:
        expect(stopped.locator("h1")).to_have_text("This link has been stopped")
        check_accessible(stopped, "sharing-stopped", learner_sized=False)
    finally:
        context.close()  # type: ignore[attr-defined]


def test_an_expired_link_gets_the_friendly_page(browser: Browser, playwright: Playwright,
                                                live_server: LiveServer) -> None:
    from portfolio.models import User
    from portfolio.sharing import service as sharing

    with live_server.app.app_context():
        session = db.session()
        helper = session.scalars(select(User).where(User.display_name == "Priya Shah")).one()
        # Another browser test imports Sam's portfolio into a second school, so pick Priya's Sam.
        sam = session.scalars(select(User).where(User.display_name == "Sam Patel",
                                                 User.school_id == helper.school_id)).one()
        entry_ids = [entry.id for entry in sharing.shareable_experiences(session, sam)]
        issued = sharing.create_link(session, sam, helper, audience="An old placement", sections=[],
                                     experience_ids=entry_ids[:1])
        link = session.get(ShareLink, issued.link.id)
        link.expires_at = utcnow() - timedelta(days=1)
        session.commit()
    page, context = _open_as_employer(browser, playwright, live_server, f"{live_server.url}/share/{issued.token}", 410)
    try:
        expect(page.locator("h1")).to_have_text("This link has expired")
        expect(page.locator("main")).not_to_contain_text("Sam")
        check_accessible(page, "sharing-expired", learner_sized=False)
    finally:
        context.close()  # type: ignore[attr-defined]
