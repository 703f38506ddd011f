"""A job's page in real Chromium: "Making your PDF…" with a symbol, htmx asking every second under the
strict CSP, then the download; it passes axe at iPad size while it waits and when it is done."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import ReviewPack, User

from .conftest import LiveServer, SessionCookies, check_accessible


def _new_pack(live: LiveServer) -> tuple[int, int]:
    """A pack of this test's own for a Riverside learner, so no other test's pack changes."""
    with live.app.app_context():
        dbs = db.session()
        learner = dbs.scalars(select(User).where(User.display_name == "Sam Patel")).first()
        assert learner is not None
        pack = ReviewPack(school_id=learner.school_id, learner_id=learner.id, date_from=date(2026, 9, 1),
                          date_to=date(2026, 11, 30))
        dbs.add(pack)
        dbs.commit()
        return learner.id, pack.id


def test_the_pdf_is_made_while_the_page_shows_progress(page: Page, live_server: LiveServer,
                                                       adult_session_cookies: SessionCookies) -> None:
    learner_id, pack_id = _new_pack(live_server)
    page.context.add_cookies(adult_session_cookies("Helen Carter"))  # type: ignore[arg-type]
    page.goto(f"/learners/{learner_id}/reviews/{pack_id}")
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if request.headers.get("hx-request") else None)
    page.locator("#pack-pdf").click()
    expect(page.locator("h1")).to_contain_text("Your PDF")
    progress = page.locator("#job-progress")
    expect(progress.locator(".say > img.symbol")).to_have_count(1)  # the words always come with a symbol
    check_accessible(page, "job-progress", learner_sized=False)
    expect(progress).to_contain_text("Your PDF is ready.", timeout=20_000)
    check_accessible(page, "job-done", learner_sized=False)
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename.startswith("my-views-sam-")
    first_look = page.url
    assert first_look.endswith(tuple("0123456789")) and "/jobs/" in first_look
    assert all("/jobs/" in url for url in polls)
