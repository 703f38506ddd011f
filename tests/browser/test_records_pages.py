"""Learner records and leaving in a real browser at iPad size.

Priya (Sam's TA) keeps Sam's record: date of birth, UPN, EHC plan, review date and area of need,
and sees his year group worked out. Daniel (Ruby's TA) records Ruby leaving, with her family's
consent to keep in touch and where she is going; the destinations page then shows the follow-ups
at 1, 2 and 3 years. Every page passes axe (WCAG 2.2 A/AA) and the 44 px target check. Sam's and
Ruby's records are put back afterwards, because the live server is shared with other tests.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.models import Destination, LearnerRecord, User
from portfolio.school_years import school_year

from .conftest import LiveServer, SessionCookies, check_accessible, path_is

RECORD_FIELDS = ("date_of_birth", "year_override", "upn", "ehc_plan", "annual_review_on", "need_area", "left_on",
                 "leaving_reason", "keep_in_touch", "keep_in_touch_by", "keep_in_touch_on")


def _learner(session: Any, name: str) -> User:
    """The demo's learner: the first of that name (the portability tests import a second Sam)."""
    return session.query(User).filter_by(display_name=name).order_by(User.id).first()


@pytest.fixture
def sam_and_ruby(live_server: LiveServer) -> Iterator[dict[str, int]]:
    """Their ids; afterwards, their records and Ruby's account as they were before the test."""
    with live_server.app.app_context():
        session = db.session()
        people = {name: _learner(session, name) for name in ("Sam Patel", "Ruby Green")}
        before = {person.id: ({f: getattr(person.record, f) for f in RECORD_FIELDS} if person.record else None,
                              person.active) for person in people.values()}
        kept = {d.id for d in session.query(Destination)}
        ids = {name.split()[0].lower(): person.id for name, person in people.items()}
    yield ids
    with live_server.app.app_context():
        session = db.session()
        for learner_id, (fields, active) in before.items():
            record = session.get(LearnerRecord, learner_id)
            if fields is None and record is not None:
                session.delete(record)
            elif record is not None and fields is not None:
                for name, value in fields.items():
                    setattr(record, name, value)
            session.get(User, learner_id).active = active
            for destination in session.query(Destination).filter_by(learner_id=learner_id):
                if destination.id not in kept:
                    session.delete(destination)
        session.commit()


def test_a_ta_keeps_sams_record_and_ruby_leaves_with_consent(page: Page, live_server: LiveServer,
                                                            adult_session_cookies: SessionCookies,
                                                            sam_and_ruby: dict[str, int]) -> None:
    today = date.today()
    born = date(school_year(today) - 15, 3, 4)  # Year 11 this school year
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
    page.goto(f"/staff/learners/{sam_and_ruby['sam']}")
    page.locator("#record-link").click()
    expect(page).to_have_url(path_is(f"/records/learners/{sam_and_ruby['sam']}"))
    check_accessible(page, "records-record-empty", learner_sized=False)

    page.locator("#field-date_of_birth").fill(born.isoformat())
    page.locator("#field-upn").fill("not a upn!")
    page.locator("#save-record").click()
    expect(page.locator(".error-box")).to_contain_text("only letters and numbers")
    expect(page.locator("#field-date_of_birth")).to_have_value(born.isoformat())  # kept as typed
    check_accessible(page, "records-record-refused", learner_sized=False)

    page.locator("#field-upn").fill("H801200001001")
    page.locator("label[for=field-ehc_plan]").click()
    page.locator("#field-annual_review_on").fill(date(today.year + 1, 2, 10).isoformat())
    page.locator("label[for=need-1]").click()
    page.locator("#save-record").click()
    expect(page.locator(".notice")).to_contain_text("The record is saved.")
    expect(page.locator("main")).to_contain_text("Year group now: Year 11")
    expect(page.locator("#need-1")).to_be_checked()
    check_accessible(page, "records-record-saved", learner_sized=False)

    page.context.clear_cookies()
    page.context.add_cookies(adult_session_cookies("Daniel Okafor"))  # type: ignore[arg-type]
    page.goto(f"/staff/learners/{sam_and_ruby['ruby']}")
    page.locator("#leaving-link").click()
    expect(page).to_have_url(path_is(f"/records/learners/{sam_and_ruby['ruby']}/leaving"))
    check_accessible(page, "records-leaving", learner_sized=False)
    page.locator("#field-reason").fill("End of Year 14")
    page.locator("label[for=keep-1]").click()  # yes
    page.locator("label[for=by-2]").click()  # her family
    page.locator("#field-consent_on").fill(today.isoformat())
    page.locator("label[for=category-1]").click()  # education
    page.locator("label[for=level-3]").click()  # Level 2
    page.locator("#field-provider").fill("Riverside College")
    page.locator("#save-leaving").click()
    expect(page).to_have_url(path_is(f"/records/learners/{sam_and_ruby['ruby']}/destinations"))
    expect(page.locator("#checkpoint-0")).to_contain_text("Education: Level 2 at Riverside College")
    for years in (1, 2, 3):
        expect(page.locator(f"#checkpoint-{years}")).to_contain_text("Not due yet")
    check_accessible(page, "records-destinations", learner_sized=False)

    page.locator("#back-to-learner").click()
    expect(page.locator("main")).to_contain_text("switched off")  # her portfolio stays open to staff
    page.goto("/records/follow-ups")
    expect(page.locator("main")).to_contain_text("No follow-ups are due.")
    check_accessible(page, "records-follow-ups-none", learner_sized=False)

    # A year on: the first follow-up is overdue, on Daniel's list, and he records it.
    with live_server.app.app_context():
        session = db.session()
        first = session.query(Destination).filter_by(learner_id=sam_and_ruby["ruby"], checkpoint=1).one()
        first.due_on = today - timedelta(days=5)
        session.commit()
        first_id = first.id
    page.goto("/records/follow-ups")
    page.locator("#due-list a.button", has_text="Ruby Green: 1 year after leaving").click()
    expect(page.locator("#checkpoint-1")).to_contain_text("Overdue")
    page.locator(f"#follow-up-{first_id}").click()
    page.locator(f"label[for=d{first_id}-how-2]").click()  # spoke to the family
    page.locator(f"label[for=d{first_id}-category-4]").click()  # paid employment
    page.locator(f"#save-follow-up-{first_id}").click()
    expect(page.locator(".error-box")).to_contain_text("hours a week")
    expect(page.locator(f"#follow-up-{first_id}")).to_be_visible()  # the form stays open, as typed
    check_accessible(page, "records-follow-up-refused", learner_sized=False)
    page.locator(f"label[for=d{first_id}-hours-2]").click()
    page.locator(f"#save-follow-up-{first_id}").click()
    expect(page.locator("#checkpoint-1")).to_contain_text("Paid employment: 16 to 29 hours a week")
    check_accessible(page, "records-follow-up-saved", learner_sized=False)
