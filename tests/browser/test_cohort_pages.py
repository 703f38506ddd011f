"""The careers leader's desk in a real browser at iPad size.

Helen (the careers leader) opens the cohort grid, shows only one group, sorts it, opens a count's
evidence and then the school summary report. The test makes its own group with two learners and a
talk one of them took part in, and removes them afterwards, because the live server is shared.
Every page passes axe (WCAG 2.2 A/AA) and the 44 px target check.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.models import (
    ActivityKind,
    CareersActivity,
    Group,
    LearnerRecord,
    School,
    User,
)
from tests.factories import make_activity, make_group, make_learner

from .conftest import LiveServer, SessionCookies, check_accessible, path_is

GROUP = "Cedar cohort test"


@pytest.fixture
def cedar(live_server: LiveServer) -> Iterator[dict[str, int]]:
    """A group with Ava (Year 10, a talk this year) and Ben (Year 9, nothing yet); gone afterwards."""
    with live_server.app.app_context():
        session = db.session()
        school = session.query(School).filter_by(name="Riverside School").one()
        group = make_group(session, school, GROUP)
        ava = make_learner(session, school, group, name="Ava Cedar")
        ben = make_learner(session, school, group, name="Ben Cedar")
        session.add_all([LearnerRecord(school_id=school.id, learner_id=ava.id, year_override=10, ehc_plan=True),
                         LearnerRecord(school_id=school.id, learner_id=ben.id, year_override=9)])
        talk = make_activity(session, school, [ava], kind=ActivityKind.EMPLOYER_TALK, starts_on=date.today(),
                             attended=True)
        session.commit()
        made = {"group": group.id, "ava": ava.id, "ben": ben.id, "talk": talk.id}
    yield made
    with live_server.app.app_context():
        session = db.session()
        session.delete(session.get(CareersActivity, made["talk"]))
        for key in ("ava", "ben"):
            session.delete(session.get(User, made[key]))
        session.delete(session.get(Group, made["group"]))
        session.commit()


def test_the_careers_leader_filters_sorts_and_reports(page: Page, adult_session_cookies: SessionCookies,
                                                      cedar: dict[str, int]) -> None:
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto("/staff/")
    page.locator("#cohort-links a", has_text="Cohort grid").click()
    expect(page).to_have_url(path_is("/cohort/"))
    check_accessible(page, "cohort-grid-all", learner_sized=False)

    page.locator("#filter-group").select_option(label=GROUP)
    page.locator("#apply-filters").click()
    rows = page.locator("#cohort-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ava Cedar")
    ben_row = page.locator(f"#learner-{cedar['ben']}")
    expect(ben_row).to_contain_text("No employer encounter this school year")
    expect(ben_row.locator(".gap-word").first).to_contain_text("Gap")

    page.locator("#sort-b5").click()
    expect(page.locator("#cohort-table th[aria-sort=ascending]")).to_contain_text("B5 employers this year")
    expect(rows.nth(0)).to_contain_text("Ben Cedar")
    page.locator("#sort-b5").click()
    expect(page.locator("#cohort-table th[aria-sort=descending]")).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Ava Cedar")
    expect(page.locator("#filter-group")).to_have_value(str(cedar["group"]))  # the filter stays on
    check_accessible(page, "cohort-grid-cedar-sorted", learner_sized=False)

    cell = page.locator(f"#cell-{cedar['ava']}-b5")
    expect(cell).to_have_text(re.compile(r"^1 for Ava Cedar, benchmark 5"))  # the number, then words for screen readers
    cell.click()
    expect(page).to_have_url(path_is(f"/careers/learners/{cedar['ava']}/evidence/5"))
    expect(page.locator("main")).to_contain_text("Employer talk")
    check_accessible(page, "cohort-evidence", learner_sized=False)

    page.goto("/cohort/")
    page.locator("#report-link").click()
    expect(page).to_have_url(path_is("/reports/"))
    expect(page.locator("#coverage-table")).to_contain_text("Year 10")
    check_accessible(page, "reports-summary", learner_sized=False)

    page.goto("/cohort/reviews")
    check_accessible(page, "cohort-reviews", learner_sized=False)
