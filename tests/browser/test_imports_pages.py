"""Importing learners in real Chromium at iPad size: Helen uploads a CSV with one bad row, reads the
message in the preview, confirms, and finds the new learners; then prints a group's cards."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import Group

from .conftest import LiveServer, SessionCookies, check_accessible, path_is

FILE = (
    "upn,first_name,last_name,date_of_birth,group,ehc_plan,need_area,parent_name,parent_email\r\n"
    "W200000000001,Tariq,Hussain,2011-05-06,Birch class,yes,semh,Amina Hussain,amina.hussain@example.org\r\n"
    "W200000000002,Lily,Evans,31/02/2010,Birch class,no,,,\r\n"
    "W200000000003,Mo,Brennan,12/11/2009,Ash class,no,Cognition and learning,,\r\n"
)


def test_admin_imports_learners_with_one_bad_row(page: Page, live_server: LiveServer,
                                                  adult_session_cookies: SessionCookies, tmp_path: Path) -> None:
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto("/admin/")
    page.locator("#import-learners-link").click()
    expect(page).to_have_url(path_is("/imports/learners"))
    check_accessible(page, "imports-upload")

    upload = tmp_path / "learners.csv"
    upload.write_bytes(FILE.encode("utf-8"))
    page.locator("#field-learners").set_input_files(str(upload))
    page.locator("#preview-button").click()
    expect(page.locator("h1")).to_have_text("Check the import")
    expect(page.locator("#import-rows")).to_contain_text("The date of birth \u201c31/02/2010\u201d is not a date")
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    check_accessible(page, "imports-preview")

    page.locator("#confirm-button").click()
    expect(page.locator("h1")).to_have_text("Learners imported")
    expect(page.locator("main")).to_contain_text("Added 2, updated 0, no change 0, left out 1.")
    check_accessible(page, "imports-done")

    page.locator("#people-link").click()
    expect(page.locator("main")).to_contain_text("Tariq Hussain")
    expect(page.locator("main")).to_contain_text("Mo Brennan")
    expect(page.locator("main")).not_to_contain_text("Lily Evans")


def test_staff_print_login_cards_for_their_group(page: Page, live_server: LiveServer,
                                                 adult_session_cookies: SessionCookies) -> None:
    with live_server.app.app_context():
        # Birch class: its learners sign in with no demo card, so reissuing theirs leaves other tests alone.
        group = db.session().scalars(select(Group).where(Group.name == "Birch class")).one()
        group_id = group.id
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto(f"/admin/groups/{group_id}")
    page.locator("#group-cards-link").click()
    expect(page).to_have_url(path_is(f"/imports/groups/{group_id}/cards"))
    check_accessible(page, "imports-group-cards")
    page.locator("#make-cards").click()
    expect(page.locator(".login-card").first).to_be_visible()
    assert page.locator(".login-card img.login-card-qr").count() == page.locator(".login-card").count()
    check_accessible(page, "imports-card-sheet")
    page.emulate_media(media="print")
    page.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
                             / "imports-card-sheet-print.png"), full_page=True)
