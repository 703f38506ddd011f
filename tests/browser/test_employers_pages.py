"""The employers and providers directory in a real browser at iPad size.

Priya (a TA) opens the directory, adds an employer using only the keyboard and finds it in the
list, flagged for its missing risk assessment. The list, the add page and an employer page with
activities and a risk assessment PDF pass axe (WCAG 2.2 A/AA) and the 44 px target check.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.employers import service as employers
from portfolio.employers.service import EmployerDetails, RiskDetails
from portfolio.media.storage import media_store
from portfolio.models import ActivityKind, CareersActivity, School
from tests.employers.helpers import real_pdf

from .conftest import LiveServer, SessionCookies, check_accessible, path_is, tab_to


def _employer_with_history(live: LiveServer) -> int:
    """A bakery with an in-date risk assessment (and its PDF), one visit coming up and one past."""
    today = date.today()
    with live.app.app_context():
        session = db.session()
        school = session.query(School).filter_by(name="Riverside School").one()
        bakery = employers.create(session, school.id, EmployerDetails(
            name="Millbrook Bakery", sector="bakery", contact_name="Ana Silva", phone="01234 111222",
            quiet_room=True, what_to_wear="Hair tied back; an apron is given."))
        employers.record_risk(session, media_store(), bakery,
                              RiskDetails((today - timedelta(days=10)).isoformat(), "Helen Carter",
                                          (today + timedelta(days=355)).isoformat()), real_pdf(), today)
        for days, kind in ((7, ActivityKind.VISIT), (-30, ActivityKind.EMPLOYER_TALK)):
            session.add(CareersActivity(school_id=school.id, kind=kind.value, employer_id=bakery.id,
                                        starts_on=today + timedelta(days=days), benchmarks=kind.default_benchmarks))
        session.commit()
        return bakery.id


def test_a_ta_adds_an_employer_with_the_keyboard_only(page: Page, live_server: LiveServer,
                                                      adult_session_cookies: SessionCookies) -> None:
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
    page.goto("/staff/")
    page.locator("#careers-links a.button", has_text="Employers and providers").click()
    expect(page).to_have_url(path_is("/employers/"))
    check_accessible(page, "employers-directory", learner_sized=False)

    page.locator("body").focus()
    tab_to(page, "#add-employer", limit=30)
    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/employers/new"))
    check_accessible(page, "employers-new", learner_sized=False)
    tab_to(page, "#field-name", limit=30)
    page.keyboard.type("Keyboard Kitchen Co")
    tab_to(page, "input[name=kind]:checked", limit=5)
    page.keyboard.press("ArrowRight")  # from Employer to College
    tab_to(page, "input[name=sector]:checked", limit=5)
    page.keyboard.press("ArrowDown")  # from "No sector yet" to the first place, the garden centre
    tab_to(page, "#field-contact_name", limit=10)
    page.keyboard.type("Ravi Kumar")
    tab_to(page, "#field-step_free", limit=10)
    page.keyboard.press("Space")
    tab_to(page, "#save-employer", limit=12)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/employers/\d+$"))
    assert page.url.endswith(f"/employers/{_id_of(live_server, 'Keyboard Kitchen Co')}")
    expect(page.locator(".notice")).to_contain_text("Keyboard Kitchen Co is added to the directory.")
    expect(page.locator("input[name=kind]:checked")).to_have_value("college")
    expect(page.locator("input[name=sector]:checked")).to_have_value("garden-centre")
    expect(page.locator("#field-step_free")).to_be_checked()
    expect(page.locator("#risk-flag")).to_contain_text("Risk assessment overdue")

    page.goto("/employers/?q=keyboard")
    card = page.locator(".employer-card", has_text="Keyboard Kitchen Co")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("College")
    expect(card).to_contain_text("garden centre")
    expect(card).to_contain_text("Risk assessment overdue")
    expect(card.locator("img[src*='/warning.svg?']")).to_have_count(1)
    check_accessible(page, "employers-search", learner_sized=False)


def test_an_employer_page_with_history_and_a_risk_pdf(page: Page, live_server: LiveServer,
                                                      adult_session_cookies: SessionCookies) -> None:
    bakery_id = _employer_with_history(live_server)
    page.context.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
    page.goto(f"/employers/{bakery_id}")
    expect(page.locator("h1")).to_have_text("Millbrook Bakery")
    expect(page.locator("#upcoming li")).to_have_count(1)
    expect(page.locator("#past li")).to_contain_text("Employer talk or workshop")
    expect(page.locator("#risk-flag")).to_have_count(0)
    check_accessible(page, "employers-employer", learner_sized=False)
    response = page.request.get(f"/employers/{bakery_id}/risk.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def _id_of(live: LiveServer, name: str) -> int:
    with live.app.app_context():
        found = [e for e in employers.directory(db.session(), _riverside(live), name).active if e.name == name]
        assert len(found) == 1, f"expected one employer called {name!r}"
        return found[0].id


def _riverside(live: LiveServer) -> int:
    with live.app.app_context():
        return db.session().query(School).filter_by(name="Riverside School").one().id
