"""The careers programme in a real browser at iPad size.

Priya plans a week's placement for Aisha and Tom at a bakery, marks that both took part, and
opens Tom's evidence, where the placement now counts. Tom then opens his own evidence page on
the school tablet. Every page passes axe, staff targets are at least 44 px and Tom's 64 px.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.careers import service as careers
from portfolio.models import Employer, School, User

from .conftest import LiveServer, SessionCookies, check_accessible

EMPLOYER = "Brookside Bakery"




def _learner_id(live_server: LiveServer, name: str) -> int:
    with live_server.app.app_context():
        return db.session().query(User).filter_by(display_name=name).one().id


def _bakery(live_server: LiveServer) -> int:
    """The employer the placement is at, in Riverside's directory, with a risk assessment in date."""
    with live_server.app.app_context():
        session = db.session()
        found = session.query(Employer).filter_by(name=EMPLOYER).one_or_none()
        if found is None:
            riverside = session.query(School).filter_by(name="Riverside School").one()
            found = Employer(school_id=riverside.id, name=EMPLOYER,
                             risk_review_due=date.today() + timedelta(days=200))
            session.add(found)
            session.commit()
        return found.id


def test_a_ta_plans_a_placement_marks_attendance_and_sees_the_evidence(
        page: Page, live_server: LiveServer, adult_session_cookies: SessionCookies) -> None:
    employer_id = _bakery(live_server)
    tom = _learner_id(live_server, "Tom Reid")
    aisha = _learner_id(live_server, "Aisha Khan")
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]

    page.goto("/staff/")
    page.locator("#careers-links a.button", has_text="Careers activities").click()
    expect(page).to_have_url(re.compile(r"/careers/$"))
    check_accessible(page, "careers-home", learner_sized=False)

    page.locator("#plan-activity").click()
    expect(page.locator("h1")).to_have_text("Plan a careers activity")
    check_accessible(page, "careers-new", learner_sized=False)
    start = date.today() - timedelta(days=date.today().weekday() + 7)  # Monday of last week
    page.locator("label[for=kind-1]").click()  # Work placement
    page.locator("#field-title").fill("Week at the bakery")
    page.locator("#field-employer").select_option(str(employer_id))
    page.locator("#field-starts_on").fill(start.isoformat())
    page.locator("#field-ends_on").fill((start + timedelta(days=4)).isoformat())
    page.locator(f"label[for=learner-{tom}]").click()
    page.locator(f"label[for=learner-{aisha}]").click()
    page.locator("#plan-it").click()

    expect(page).to_have_url(re.compile(r"/careers/activities/\d+$"))
    expect(page.locator(".notice")).to_contain_text("The activity is planned.")
    expect(page.locator("#details")).to_contain_text("5 days at work.")
    expect(page.locator("#details")).to_contain_text(EMPLOYER)
    check_accessible(page, "careers-activity-planned", learner_sized=False)

    attendance = page.locator("#attendance-form")
    for name in ("Tom Reid", "Aisha Khan"):
        attendance.locator("fieldset", has_text=name).locator("label", has_text="Took part").click()
    page.locator("#save-attendance").click()
    expect(page.locator(".notice")).to_contain_text("Who took part is saved.")
    expect(page.locator("#attendance-form input[value=attended]:checked")).to_have_count(2)
    check_accessible(page, "careers-activity-attended", learner_sized=False)

    page.goto(f"/staff/learners/{tom}")
    # Tom's own entries in the demo count too, so the placement's five days are part of a bigger total.
    expect(page.locator("#evidence-summary")).to_contain_text(re.compile(r"Tom has had \d+( and a half)? days at work"))
    page.locator("#careers-evidence-link").click()
    expect(page).to_have_url(re.compile(rf"/careers/learners/{tom}/evidence$"))
    expect(page.locator("#count-6")).to_contain_text("Week at the bakery")
    check_accessible(page, "careers-evidence-staff", learner_sized=False)

    page.locator("#evidence-count-6").click()
    expect(page).to_have_url(re.compile(rf"/careers/learners/{tom}/evidence/6$"))
    check_accessible(page, "careers-evidence-detail-staff", learner_sized=False)


def _talk_for(live_server: LiveServer, learner_id: int) -> int:
    """An employer talk today for the learner, planned by Priya through the careers service."""
    with live_server.app.app_context():
        session = db.session()
        priya = session.query(User).filter_by(display_name="Priya Shah").one()
        [talk] = careers.plan_activity(
            session, priya, priya.school_id, "employer-talk", "Talk from the fire service", _bakery(live_server),
            date.today(), None, None, [learner_id], None, "", "", "", "")
        session.commit()
        return talk.id


def test_a_learner_opens_their_own_activity_and_evidence_with_big_targets(
        page: Page, live_server: LiveServer, learner_session_cookies: SessionCookies) -> None:
    tom = _learner_id(live_server, "Tom Reid")
    talk = _talk_for(live_server, tom)
    page.context.add_cookies(learner_session_cookies("Tom Reid"))  # type: ignore[arg-type]
    response = page.goto(f"/careers/activities/{talk}")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("Talk from the fire service")
    expect(page.locator("#attendance")).to_contain_text("You are going.")
    expect(page.locator("#attendance-form")).to_have_count(0)
    check_accessible(page, "careers-activity-learner", learner_sized=True)
    response = page.goto(f"/careers/learners/{tom}/evidence")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("My careers")
    expect(page.locator("#evidence-count-5")).to_contain_text("You have")
    check_accessible(page, "careers-evidence-learner", learner_sized=True)
    page.locator("#evidence-count-5").click()
    expect(page).to_have_url(re.compile(rf"/careers/learners/{tom}/evidence/5$"))
    check_accessible(page, "careers-evidence-detail-learner", learner_sized=True)
