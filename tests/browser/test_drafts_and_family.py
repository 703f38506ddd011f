"""A learner throws away an unsent draft after a yes/no check; a parent with one child reaches the
newest entry in two taps.

The learner is made for this test (with their own card), so the demo learners' homes stay as other
journeys expect them.
"""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.models import Experience, ExperienceStatus, Role, User, utcnow
from portfolio.people import accounts, cards
from tests.conftest import FIXTURES
from tests.factories import make_experience

from .conftest import (
    LiveServer,
    check_accessible,
    learner_card_sign_in,
    path_is,
    person,
    screenshot,
    tab_to,
)


def _learner_with_drafts(live: LiveServer) -> tuple[dict[str, str], int, list[int]]:
    """A new learner with one fresh draft and two left for weeks; returns their card row,
    the fresh draft's id and the old drafts' ids."""
    with live.app.app_context():
        dbs = db.session()
        ta = dbs.query(User).filter_by(display_name="Priya Shah").one()
        # In no group, so no class list or count another journey checks changes.
        learner = accounts.create_person(dbs, ta.school, accounts.PersonDetails(
            display_name="Tia Drafts", role=Role.LEARNER, picture_symbol="pizza"))
        issued = cards.issue_card(dbs, learner, ta, 30)
        old = [make_experience(dbs, learner, learner, kind=None, place="") for _ in range(2)]
        fresh = make_experience(dbs, learner, learner, place="Sunrise Café")
        dbs.flush()
        for number, draft in enumerate(old):
            draft.updated_at = utcnow() - timedelta(days=20 + number)
        dbs.commit()
        row = {"login_url": f"{live.url}/card/{issued.token}", "picture": "pizza"}
        return row, fresh.id, [draft.id for draft in old]


def _exists(live: LiveServer, experience_id: int) -> bool:
    with live.app.app_context():
        return db.session().get(Experience, experience_id) is not None


def test_learner_throws_away_a_draft_with_yes_and_no(tablet_page: Page, live_server: LiveServer) -> None:
    page = tablet_page
    row, fresh_id, old_ids = _learner_with_drafts(live_server)
    learner_card_sign_in(page, row)
    expect(page.locator("#unfinished")).to_contain_text("Unfinished (2)")
    for old_id in old_ids:
        expect(page.locator(f"#experience-{old_id}")).to_have_count(0)
    check_accessible(page, "drafts-learner-home", learner_sized=True)

    # "No" keeps it.
    page.locator("#throw-away-draft").click()
    expect(page.locator("h1")).to_have_text("Throw it away?")
    expect(page.locator("#throw-away-yes")).to_be_visible()
    expect(page.locator("#throw-away-no")).to_be_visible()
    assert page.locator(".yes-no .hear").count() == 2, "Yes and No can each be heard"
    check_accessible(page, "drafts-confirm", learner_sized=True)
    page.locator("#throw-away-no").click()
    expect(page).to_have_url(path_is("/me/"))
    assert _exists(live_server, fresh_id)

    # "Yes" throws it away.
    page.locator("#throw-away-draft").click()
    page.locator("#throw-away-yes").click()
    expect(page).to_have_url(path_is("/me/"))
    expect(page.locator(f"#experience-{fresh_id}")).to_have_count(0)
    assert not _exists(live_server, fresh_id)

    # The folded ones: open the list, throw one away from there, and come back to the list.
    page.locator("#unfinished").click()
    expect(page.locator("h1")).to_have_text("Unfinished (2)")
    check_accessible(page, "drafts-unfinished", learner_sized=True)
    page.locator(f"#throw-away-{old_ids[0]}").click()
    page.locator("#throw-away-yes").click()
    expect(page.locator("h1")).to_have_text("Unfinished (1)")
    assert not _exists(live_server, old_ids[0]) and _exists(live_server, old_ids[1])

    # Going back to the question for a draft already gone is a kind page, not an error.
    page.go_back()
    expect(page.locator("h1")).to_contain_text("already been thrown away")
    expect(page.locator("#go-back")).to_be_visible()
    check_accessible(page, "drafts-already-gone", learner_sized=True)


def test_parent_with_one_child_opens_the_newest_entry_in_two_taps(page: Page, live_server: LiveServer) -> None:
    row = person(live_server.rows, "Nina Patel")
    with live_server.app.app_context():
        dbs = db.session()
        sam = dbs.query(User).filter_by(display_name="Sam Patel").one()
        newest = experiences.portfolio_page(dbs, sam, statuses=[ExperienceStatus.SHARED]).items[0]
        newest_id, sam_id = newest.id, sam.id
    taps = 0

    def tap(selector: str) -> None:
        nonlocal taps
        page.locator(selector).first.click()
        taps += 1

    page.goto("/login")
    page.locator("#field-email").fill(row["email"])
    page.locator("#field-password").fill(row["password"])
    tap("#sign-in-button")
    expect(page).to_have_url(path_is(f"/family/learners/{sam_id}"))
    page.wait_for_load_state("load")
    expect(page.locator("#plan-link")).to_be_visible()
    check_accessible(page, "family-child-after-sign-in")
    tap("li.experience-card a.experience-link")
    expect(page).to_have_url(path_is(f"/experiences/{newest_id}"))
    assert taps == 2, f"{taps} taps from sign-in to the newest entry"
    screenshot(page, "family-newest-entry")
    _choose_a_recording_by_keyboard(page)
    # The family home is still one tap away.
    page.goto(f"/family/learners/{sam_id}")
    page.locator("a.button", has_text="Back to my family").click()
    expect(page).to_have_url(path_is("/family/"))


def _choose_a_recording_by_keyboard(page: Page) -> None:
    """The comment form's "Or attach a recording" is a symbol-and-word button the keyboard reaches:
    focus shows on the button, and a chosen file is named under it. Nothing is sent."""
    choice = page.locator("label.file-button[for=field-comment-voice]")
    expect(choice).to_be_visible()
    expect(choice.locator("img.symbol")).to_have_count(1)
    expect(choice).to_contain_text("Or attach a recording")
    page.locator("#field-comment").focus()
    tab_to(page, "#field-comment-voice", limit=20)
    outline = choice.evaluate("(el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert not outline.startswith("none") and not outline.endswith(" 0px"), f"no focus ring on the choice: {outline}"
    page.locator("#field-comment-voice").set_input_files(str(FIXTURES / "voice_chrome.webm"))
    expect(page.locator("#field-comment-voice-chosen")).to_have_text("Chosen: voice_chrome.webm")
    check_accessible(page, "family-recording-choice")
