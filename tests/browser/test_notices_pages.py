"""Notices in a real browser at iPad size.

A parent of our own (linked to the demo's Sam, so no demo person's state changes) sees "3 new" on
their home page, opens the list, finds the count cleared, and chooses their emails; then, signed
out, they tap the unsubscribe link from an email and switch the emails back on. Each page passes
axe (WCAG 2.2 A/AA) and the 44 px target check.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import Experience, ExperienceStatus, Notice, Role, School, User
from portfolio.notices import kinds, service
from portfolio.people import accounts

from .conftest import LiveServer, check_accessible, sign_in_adult

PASSWORD = "a long notice password"


def _our_parent(live: LiveServer) -> tuple[dict[str, str], str]:
    """A new parent of Sam with three notices and an unsubscribe link; their sign-in row and the token."""
    with live.app.app_context():
        dbs = db.session()
        sam = dbs.scalar(select(User).where(User.display_name == "Sam Patel").order_by(User.id))
        assert sam is not None
        school = dbs.get(School, sam.school_id)
        carer = accounts.create_person(dbs, school, accounts.PersonDetails(
            display_name="Alex Notice", role=Role.PARENT, email="alex.notice@example.org", password=PASSWORD))
        carer.children = [sam]
        shared = dbs.scalar(select(Experience.id).where(Experience.learner_id == sam.id,
                                                        Experience.status == ExperienceStatus.SHARED.value))
        for _ in range(3):
            dbs.add(Notice(school_id=school.id, user_id=carer.id, learner_id=sam.id, kind=kinds.NEW_SHARED_ENTRY,
                           record_kind="experiences", record_id=shared))
        token = service.new_unsubscribe(dbs, carer, [kinds.NEW_SHARED_ENTRY])
        dbs.commit()
        return {"email": "alex.notice@example.org", "password": PASSWORD, "role": "parent"}, token


def test_a_parent_sees_their_notices_and_chooses_their_emails(page: Page, live_server: LiveServer) -> None:
    row, token = _our_parent(live_server)
    sign_in_adult(page, row)
    expect(page.locator("#notices-link")).to_contain_text("What is new: 3 new")
    check_accessible(page, "notices-family-home", learner_sized=False)

    page.locator("#notices-link").click()
    expect(page.locator("h1")).to_contain_text("What is new")
    expect(page.locator("#notice-list li")).to_have_count(3)
    expect(page.locator("#notice-list li").first).to_contain_text("Sam has a new entry to see.")
    check_accessible(page, "notices-list", learner_sized=False)

    page.locator("#notices-home-link").click()
    expect(page.locator("#notices-link")).to_contain_text("What is new: nothing new")

    page.locator("#notice-settings-home-link").click()
    expect(page.locator("h1")).to_contain_text("Choose my emails")
    check_accessible(page, "notices-settings", learner_sized=False)
    page.get_by_label("One email a week").check()
    page.locator("#save-notice-settings").click()
    expect(page.get_by_text("Saved. Your emails will come like this from now on.")).to_be_visible()
    expect(page.get_by_label("One email a week")).to_be_checked()

    page.context.clear_cookies()
    page.goto(f"/notices/unsubscribe/{token}")
    expect(page.locator("h1")).to_contain_text("Emails switched off")
    expect(page.locator("#switched-kinds")).to_contain_text("New entries shared with you")
    check_accessible(page, "notices-unsubscribed", learner_sized=False)
    page.locator("#switch-back-on").click()
    expect(page.locator("h1")).to_contain_text("Your emails are back on")
    check_accessible(page, "notices-back-on", learner_sized=False)
    with live_server.app.app_context():
        dbs = db.session()
        carer = dbs.scalar(select(User).where(User.email == "alex.notice@example.org"))
        assert service.preferences(dbs, carer)[kinds.NEW_SHARED_ENTRY] == kinds.WEEKLY
