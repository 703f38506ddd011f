"""The communication passport in real Chromium at iPad size.

Aisha (extra-large text, high contrast) taps statements into her passport and records one in her
own voice with the fake microphone; Priya, who supports Oak class, links one of Aisha's entries as
evidence. Every passport page, printable ones included, passes axe and the tap-target sizes.
Aisha is used because no other browser test relies on her passport or entries.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from portfolio import db
from portfolio.models import User

from .conftest import LiveServer, SessionCookies, check_accessible, ipad_context, screenshot

VOICE_SAVED_TIMEOUT_MS = 20_000


def _learner_id(live_server: LiveServer, name: str) -> int:
    with live_server.app.app_context():
        found = db.session().query(User).filter_by(display_name=name).one()
        return found.id




@pytest.fixture
def aisha_context(browser: Browser, playwright: Playwright, live_server: LiveServer,
                  learner_session_cookies: SessionCookies) -> Iterator[BrowserContext]:
    """Aisha signed in on the school tablet, which may use its (fake) microphone."""
    ctx = ipad_context(browser, playwright, live_server.url)
    ctx.grant_permissions(["microphone"], origin=live_server.url)
    ctx.add_cookies(learner_session_cookies("Aisha Khan"))  # type: ignore[arg-type]
    try:
        yield ctx
    finally:
        ctx.close()


def _goto(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} gave {response and response.status}"


def test_aisha_builds_her_passport_and_priya_links_evidence(
        aisha_context: BrowserContext, browser: Browser, playwright: Playwright, live_server: LiveServer,
        adult_session_cookies: SessionCookies) -> None:
    aisha = _learner_id(live_server, "Aisha Khan")
    base = f"/passport/{aisha}"
    page = aisha_context.new_page()

    _goto(page, base)
    expect(page.locator("h1")).to_have_text("My communication passport")
    check_accessible(page, "passport-learner", learner_sized=True)

    page.locator("#edit-likes").click()
    expect(page).to_have_url(re.compile(rf"{base}/sections/likes$"))
    for starter in ("#starter-like-animals", "#starter-like-music"):
        page.locator(starter).click()
        expect(page.locator(starter)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#chosen .statement-text")).to_have_text(["I like animals", "I like music"])
    expect(page.locator("#live")).to_have_text(re.compile("Chosen|Saved"))
    check_accessible(page, "passport-section-learner", learner_sized=True)

    page.locator("#chosen a[id^=open-statement-]").first.click()
    expect(page).to_have_url(re.compile(rf"{base}/statements/\d+$"))
    statement_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1")).to_have_text("I like animals")
    recorder = page.locator("[data-recorder]")
    expect(recorder).to_be_visible()
    page.locator("#record-start").click()
    expect(recorder).to_have_attribute("data-recording", "1")
    page.wait_for_timeout(1500)
    page.locator("#record-stop").click()
    expect(page.locator("#record-keep")).to_be_enabled()
    with page.expect_response(lambda r: r.url.endswith(f"/statements/{statement_id}/voice")
                              and r.request.method == "POST", timeout=VOICE_SAVED_TIMEOUT_MS) as saved:
        page.locator("#record-keep").click()
    assert saved.value.status == 200, saved.value.text()[:300]
    expect(page.locator("#play-voice")).to_be_visible()
    check_accessible(page, "passport-statement-learner", learner_sized=True)

    # Aisha's own entry, made through the experience steps, for Priya to link.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    started = page.request.post(f"/experiences/start/{aisha}", form={"csrf_token": token})
    assert started.ok
    entry = int(re.search(r"/experiences/(\d+)/", started.url).group(1))  # type: ignore[union-attr]
    for step, choice in (("kind", "visit"), ("place", "farm")):
        assert page.request.post(f"/experiences/{entry}/steps/{step}", form={"csrf_token": token, "choose": choice}).ok

    _goto(page, base)
    expect(page.locator(f"#statement-{statement_id} .play-recording")).to_be_visible()
    for path, name in (("print/profile", "profile-learner"), ("print/booklet", "booklet-learner")):
        _goto(page, f"{base}/{path}")
        expect(page.locator("#print-button")).to_be_visible()
        check_accessible(page, f"passport-{name}", learner_sized=True)

    priya_ctx = ipad_context(browser, playwright, live_server.url)
    try:
        priya_ctx.add_cookies(adult_session_cookies("Priya Shah"))  # type: ignore[arg-type]
        staff = priya_ctx.new_page()
        _goto(staff, base)
        expect(staff.locator("h1")).to_have_text("Aisha Khan’s communication passport")
        check_accessible(staff, "passport-staff", learner_sized=False)
        staff.locator(f"#change-statement-{statement_id}").click()
        expect(staff).to_have_url(re.compile(rf"{base}/statements/{statement_id}$"))
        staff.locator(f"#link-{entry}").click()
        expect(staff.locator(f"#unlink-{entry}")).to_be_visible()
        staff.locator("label", has_text="With a few prompts").click()
        staff.locator("#save-help").click()
        expect(staff.locator("input[name=help_level][value=prompts]")).to_be_checked()
        check_accessible(staff, "passport-statement-staff", learner_sized=False)

        _goto(staff, base)
        evidence = staff.locator(f"#statement-{statement_id} .evidence-link")
        expect(evidence).to_contain_text("Workplace visit at Farm")
        expect(staff.locator(f"#statement-{statement_id} .statement-help")).to_contain_text("With a few prompts")
        _goto(staff, f"{base}/sections/likes")
        check_accessible(staff, "passport-section-staff", learner_sized=False)
        _goto(staff, f"{base}/suggestions")
        check_accessible(staff, "passport-suggestions", learner_sized=False)
        for path, name in (("print/profile", "profile"), ("print/booklet", "booklet")):
            _goto(staff, f"{base}/{path}")
            check_accessible(staff, f"passport-{name}", learner_sized=False)
            staff.emulate_media(media="print")
            expect(staff.locator("#print-button")).to_be_hidden()
            screenshot(staff, f"passport-{name}-print")
            staff.emulate_media(media="screen")
        staff.evaluate("() => document.body.setAttribute('data-printed', '')")
        staff.evaluate("() => { window.print = () => document.body.setAttribute('data-printed', 'yes'); }")
        staff.locator("#print-button").click()
        expect(staff.locator("body")).to_have_attribute("data-printed", "yes")

        with staff.expect_download() as download:
            staff.locator("#download-pdf").click()
        assert download.value.suggested_filename == "passport-aisha-khan.pdf"
    finally:
        priya_ctx.close()

    # Aisha's passport page now names the farm visit under "I like animals".
    _goto(page, base)
    expect(page.locator(f"#statement-{statement_id} .evidence-link")).to_contain_text("Farm")


def test_parent_pages_pass_axe_and_target_sizes(page: Page, live_server: LiveServer,
                                                          adult_session_cookies: SessionCookies) -> None:
    sam = _learner_id(live_server, "Sam Patel")
    page.context.add_cookies(adult_session_cookies("Nina Patel"))  # type: ignore[arg-type]
    _goto(page, f"/passport/{sam}/suggest")
    check_accessible(page, "passport-suggest", learner_sized=False)
    _goto(page, f"/passport/{sam}")
    check_accessible(page, "passport-parent", learner_sized=False)
