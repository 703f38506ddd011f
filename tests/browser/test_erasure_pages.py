"""Erasing in a real browser at iPad size.

Helen, the careers leader, erases one entry and then a whole learner, typing the learner's name to
confirm; a wrong name is refused with a message. The learner is made for this test alone, so no
demo learner another test depends on is touched. Every page passes axe (WCAG 2.2 A/AA) and the
44 px target check.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.models import Experience, ExperienceStatus, Role, User
from portfolio.people import accounts

from .conftest import LiveServer, SessionCookies, check_accessible, path_is


def _learner_with_entry(live: LiveServer) -> tuple[int, int]:
    with live.app.app_context():
        session = db.session()
        helen = session.query(User).filter_by(email="helen.carter@riverside.example").one()
        learner = accounts.create_person(session, helen.school, accounts.PersonDetails(
            display_name="Erin Test-Erasure", role=Role.LEARNER, picture_symbol="dog"))
        entry = Experience(school_id=learner.school_id, learner_id=learner.id, created_by_id=helen.id,
                           caption_symbols={}, place="Bakery", status=ExperienceStatus.SHARED.value)
        session.add(entry)
        session.commit()
        return learner.id, entry.id


def test_helen_erases_an_entry_then_the_learner(page: Page, live_server: LiveServer,
                                                adult_session_cookies: SessionCookies) -> None:
    learner_id, entry_id = _learner_with_entry(live_server)
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]

    page.goto(f"/experiences/{entry_id}")
    page.locator("#erase-entry-link").click()
    expect(page).to_have_url(path_is(f"/experiences/{entry_id}/erase"))
    check_accessible(page, "erase-entry")
    page.locator("#field-name").fill("Erin Test-Erasure")
    page.locator("#erase-entry").click()
    expect(page).to_have_url(path_is(f"/staff/learners/{learner_id}"))

    page.locator("#erase-learner-link").click()
    expect(page).to_have_url(path_is(f"/staff/learners/{learner_id}/erase"))
    check_accessible(page, "erase-learner")
    page.locator("#field-name").fill("Erin")
    page.locator("#erase-learner").click()
    expect(page.locator(".error-box")).to_contain_text("does not match")
    check_accessible(page, "erase-learner-refused")
    page.locator("#field-name").fill("erin test-erasure")
    page.locator("#erase-learner").click()
    expect(page).to_have_url(path_is("/admin/people"))
    expect(page.locator(".notice")).to_contain_text("have been erased")
    with live_server.app.app_context():
        assert db.session().get(User, learner_id) is None
