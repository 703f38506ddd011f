"""Show more on an iPad: a learner with a long portfolio taps it, the next cards join the list in
place, focus moves to the first of them and the page says how many came; staff lists do the same."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, Playwright, expect

from portfolio import db
from portfolio.models import (
    Experience,
    ExperienceKind,
    ExperienceStatus,
    Role,
    School,
    User,
)
from portfolio.people import cards
from portfolio.web.paging import PAGE_SIZE, TABLE_PAGE_SIZE

from .conftest import (
    LiveServer,
    SessionCookies,
    active_element_matches,
    check_accessible,
    ipad_context,
    learner_card_sign_in,
)

ENTRIES = 30


def learner_with_entries(live: LiveServer) -> dict[str, str]:
    """A new Riverside learner of our own (no demo learner changes) with 30 sent entries and a card."""
    with live.app.app_context():
        dbs = db.session()
        school = dbs.query(School).filter(School.name.like("Riverside%")).one()
        ta = dbs.query(User).filter(User.school_id == school.id, User.role == Role.STAFF.value).first()
        learner = User(school_id=school.id, role=Role.LEARNER.value, display_name="Paige Turner",
                       picture_symbol="pizza", group_id=ta.staff_groups[0].id)
        dbs.add(learner)
        dbs.flush()
        kinds = list(ExperienceKind)
        for number in range(ENTRIES):
            dbs.add(Experience(
                school_id=school.id, learner_id=learner.id, created_by_id=learner.id, caption_symbols={},
                kind=kinds[number % len(kinds)].value, place=f"Place {number + 1}",
                start_date=date(2026, 1, 5) + timedelta(days=number), status=ExperienceStatus.SHARED.value))
        issued = cards.issue_card(dbs, learner, ta, 30)
        dbs.commit()
        return {"login_url": f"{live.url}/card/{issued.token}", "picture": "pizza"}


def enough_people_for_two_pages(live: LiveServer) -> None:
    """Staff accounts of our own (named to sort after every demo person) so the people table has a second page."""
    with live.app.app_context():
        dbs = db.session()
        school = dbs.query(School).filter(School.name.like("Riverside%")).one()
        have = dbs.query(User).filter(User.school_id == school.id).count()
        for number in range(max(0, TABLE_PAGE_SIZE + 5 - have)):
            dbs.add(User(school_id=school.id, role=Role.STAFF.value, display_name=f"Zoe Pager {number:02d}",
                         picture_symbol="star"))
        dbs.commit()


def card_ids(page: Page, list_id: str) -> list[str]:
    return page.eval_on_selector_all(f"#{list_id} > li", "items => items.map(i => i.id)")


def test_learner_taps_show_more_and_lands_on_the_new_cards(tablet_page: Page, live_server: LiveServer) -> None:
    row = learner_with_entries(live_server)
    learner_card_sign_in(tablet_page, row)
    page = tablet_page
    cards_now = page.locator("#portfolio-list > li.experience-card")
    expect(cards_now).to_have_count(PAGE_SIZE)
    first_page = card_ids(page, "portfolio-list")
    check_accessible(page, "paging-learner-first-page", learner_sized=True)

    more = page.locator("#portfolio-list-show-more")
    expect(more).to_have_attribute("href", re.compile(r"after="))
    more.tap()
    expect(cards_now).to_have_count(2 * PAGE_SIZE)
    assert card_ids(page, "portfolio-list")[:PAGE_SIZE] == first_page  # appended, the first cards stay put
    assert page.url.endswith("/me/"), "htmx added the cards in place, without leaving the page"
    new_first = card_ids(page, "portfolio-list")[PAGE_SIZE]
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=new_first)
    expect(page.locator("#live")).to_have_text(f"{PAGE_SIZE} more entries")

    page.locator("#portfolio-list-show-more").tap()
    expect(cards_now).to_have_count(ENTRIES)
    expect(page.locator("#live")).to_have_text(f"{ENTRIES - 2 * PAGE_SIZE} more entries")
    expect(page.locator("#portfolio-list-show-more")).to_have_count(0)  # the end of the list
    shown = card_ids(page, "portfolio-list")
    assert len(set(shown)) == ENTRIES
    assert active_element_matches(page, f"#{shown[2 * PAGE_SIZE]}")
    check_accessible(page, "paging-learner-all-cards", learner_sized=True)


def test_without_script_show_more_is_a_link_to_the_next_page(browser: Browser, playwright: Playwright,
                                                             live_server: LiveServer,
                                                             adult_session_cookies: SessionCookies) -> None:
    """Staff lists page the same way; with JavaScript off the control is an ordinary link."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 810, "height": 1080})
    context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    enough_people_for_two_pages(live_server)
    try:
        page = context.new_page()
        page.goto("/admin/people")
        rows = page.locator("#people-rows > tr")
        expect(rows).to_have_count(TABLE_PAGE_SIZE)
        first = rows.first.get_attribute("id")
        page.locator("#people-rows-show-more").click()
        expect(page).to_have_url(re.compile(r"/admin/people\?after="))
        expect(rows.first).not_to_have_id(first or "")
        expect(page.locator("#people-rows-newest")).to_be_visible()
    finally:
        context.close()


def test_staff_table_appends_rows_in_place(browser: Browser, playwright: Playwright, live_server: LiveServer,
                                           adult_session_cookies: SessionCookies) -> None:
    context = ipad_context(browser, playwright, live_server.url)
    context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    enough_people_for_two_pages(live_server)
    try:
        page = context.new_page()
        page.goto("/admin/people")
        rows = page.locator("#people-rows > tr")
        expect(rows).to_have_count(TABLE_PAGE_SIZE)
        page.locator("#people-rows-show-more").tap()
        page.wait_for_function("() => document.activeElement && document.activeElement.matches('#people-rows > tr')")
        added = rows.count() - TABLE_PAGE_SIZE
        assert 0 < added <= TABLE_PAGE_SIZE
        expect(page.locator("#live")).to_have_text(f"{added} more people")
        assert page.locator("#people-rows-more").count() == 1  # replaced, never doubled
        check_accessible(page, "paging-admin-people", learner_sized=False)
    finally:
        context.close()
