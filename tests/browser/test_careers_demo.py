"""A walk through the demo's careers programme as each person meets it, with the checks every page
gets and a screenshot of each: the careers leader's directory (one risk assessment overdue), the
term's activities, a placement with its About me and feedback controls, the employer's feedback
waiting to be checked, a learner's evidence, and the family's page with what is coming up."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.models import CareersActivity, Employer, User

from .conftest import LiveServer, SessionCookies, check_accessible


def _ids(live_server: LiveServer) -> dict[str, int]:
    with live_server.app.app_context():
        session = db.session()
        sam = session.query(User).filter_by(display_name="Sam Patel").order_by(User.id).first()
        green = session.query(Employer).filter_by(name="Green Fingers Garden Centre").one()
        past = (session.query(CareersActivity).filter_by(employer_id=green.id)
                .order_by(CareersActivity.starts_on).first())
        assert past is not None
        participant = next(p for p in past.participants if p.learner_id == sam.id)
        return {"sam": sam.id, "green": green.id, "placement": past.id, "participant": participant.id}


def test_the_careers_leader_and_a_ta_run_the_term(page: Page, live_server: LiveServer,
                                                   adult_session_cookies: SessionCookies) -> None:
    ids = _ids(live_server)
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto("/employers/")
    sunrise = page.locator("li, article, .employer-card", has_text="Sunrise Café").first
    expect(sunrise).to_contain_text("Risk assessment overdue")
    check_accessible(page, "demo-employers")
    page.goto(f"/employers/{ids['green']}")
    check_accessible(page, "demo-employer-green-fingers")
    page.goto("/careers/")
    expect(page.locator("main")).to_contain_text("Riverside careers fair")
    check_accessible(page, "demo-careers-home")
    page.goto(f"/careers/activities/{ids['placement']}")
    expect(page.locator(f"#about-me-{ids['participant']}")).to_be_visible()
    expect(page.locator(f"#feedback-controls-{ids['participant']}")).to_contain_text("Please read and check it")
    check_accessible(page, "demo-placement")
    page.goto(f"/feedback/participants/{ids['participant']}")
    expect(page.locator("main")).to_contain_text("Sam watered every plant carefully")
    check_accessible(page, "demo-feedback-to-check")
    page.goto(f"/staff/learners/{ids['sam']}")
    check_accessible(page, "demo-staff-sam")
    page.goto(f"/careers/learners/{ids['sam']}/evidence")
    check_accessible(page, "demo-evidence-sam-staff")


def test_the_family_sees_what_is_coming_and_what_it_adds_up_to(page: Page, live_server: LiveServer,
                                                               adult_session_cookies: SessionCookies) -> None:
    ids = _ids(live_server)
    page.context.add_cookies(adult_session_cookies("Nina Patel"))  # type: ignore[arg-type]
    page.goto(f"/family/learners/{ids['sam']}")
    expect(page.locator(".coming-up")).to_contain_text("Green Fingers Garden Centre")
    expect(page.locator("#evidence-summary")).to_contain_text("Sam has met")
    check_accessible(page, "demo-family-sam")
