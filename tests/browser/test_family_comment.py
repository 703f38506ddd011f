"""A parent says a message from home with the in-page recorder; staff hear it and pass it on."""
from __future__ import annotations

from playwright.sync_api import Browser, Playwright, expect

from .conftest import LiveServer, SessionCookies, axe_check, ipad_context


def test_parent_records_a_spoken_comment(browser: Browser, playwright: Playwright, live_server: LiveServer,
                                         adult_session_cookies: SessionCookies) -> None:
    family = ipad_context(browser, playwright, live_server.url)
    family.grant_permissions(["microphone"], origin=live_server.url)
    family.add_cookies(adult_session_cookies("Chris Jones"))  # type: ignore[arg-type]
    try:
        page = family.new_page()
        page.goto("/family/")
        page.locator("a.button", has_text="Maya Jones").click()
        page.locator("li.experience-card a.experience-link").first.click()
        recorder = page.locator("[data-recorder]")
        expect(recorder).to_be_visible()  # shown because this browser can record
        axe_check(page)
        page.locator("#record-start").click()
        expect(recorder).to_have_attribute("data-recording", "1")
        page.wait_for_timeout(1500)
        page.locator("#record-stop").click()
        page.locator("#record-keep").click()
        expect(page.locator("#recorder-state")).to_contain_text("Your message is ready")
        assert page.eval_on_selector("#field-comment-voice", "input => input.files.length") == 1
        page.locator("#send-comment").click()
        comment = page.locator(".comment").first  # newest first
        expect(comment.locator(".play-recording")).to_be_visible()
        entry_url = page.url.split("#")[0]
    finally:
        family.close()

    staff = ipad_context(browser, playwright, live_server.url)
    staff.add_cookies(adult_session_cookies("Daniel Okafor"))  # type: ignore[arg-type]
    try:
        page = staff.new_page()
        page.goto(entry_url)
        voice = page.locator(".comment .play-recording").first
        voice.click()
        page.wait_for_function("() => (document.body.getAttribute('data-audio-playing') || '').includes('/comments/')")
        page.locator(".comment button", has_text="Pass on").first.click()
        expect(page.locator(".comment").first).to_contain_text("passed on to Maya")
    finally:
        staff.close()
