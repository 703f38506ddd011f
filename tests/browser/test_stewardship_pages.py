"""A learner's audit trail in a real browser at iPad size.

Helen (the careers leader) opens Sam's page, follows the link to his audit trail, filters it to
the changes made to his account, and clears the filter. The trail page passes axe (WCAG 2.2 A/AA)
and the 44 px target check. Nothing is changed, so the shared demo stays as it was.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.models import User

from .conftest import LiveServer, SessionCookies, check_accessible


def test_the_careers_leader_reads_and_filters_a_learners_trail(page: Page, live_server: LiveServer,
                                                                adult_session_cookies: SessionCookies) -> None:
    with live_server.app.app_context():
        sam = db.session().query(User).filter_by(display_name="Sam Patel").order_by(User.id).first()
        assert sam is not None
        sam_id = sam.id
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto(f"/staff/learners/{sam_id}")
    page.locator("#audit-trail-link").click()
    expect(page.locator("h1")).to_contain_text("Audit trail: Sam Patel")
    expect(page.locator("#chain-heading")).to_be_visible()
    expect(page.get_by_text("The trail is whole")).to_be_visible()
    check_accessible(page, "stewardship-trail", learner_sized=False)

    page.locator("#filter-kind").select_option(label="Account")
    page.locator("#apply-filters").click()
    expect(page.locator("#trail-table tbody tr").first).to_contain_text("Account")
    expect(page.locator("#clear-filters")).to_be_visible()
    check_accessible(page, "stewardship-trail-filtered", learner_sized=False)
    page.locator("#clear-filters").click()
    expect(page.locator("#clear-filters")).to_have_count(0)
