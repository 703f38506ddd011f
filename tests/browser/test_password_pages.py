"""Invitation, "Forgot password?" and reset pages in Chromium on an iPad: the emails go through a real
SMTP server on loopback, sent by the app's own background sender; every page passes axe and the size checks."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    LiveServer,
    check_accessible,
    path_is,
    person,
    sign_in_adult,
    sign_out,
)
from tests.mail.smtp_server import SmtpServer, running_smtp_server

EMAIL = "ola.browser@family.example"


@pytest.fixture
def mail_to_loopback(live_server: LiveServer) -> Iterator[SmtpServer]:
    """The live app sends to a loopback SMTP server for this test only."""
    config = live_server.app.config
    before = config.get("MAIL_URL")
    with running_smtp_server() as server:
        config["MAIL_URL"] = server.url
        try:
            yield server
        finally:
            config["MAIL_URL"] = before


def _link_in_mail(server: SmtpServer, count: int, path: str) -> str:
    received = server.keeper.wait_for(count)
    assert len(received) >= count, "the email did not arrive"
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[A-Za-z0-9_-]+)", received[count - 1].body)
    assert match, received[count - 1].body
    return match.group(1)


def _choose_password(page: Page, password: str) -> None:
    page.locator("#field-password").fill(password)
    page.locator("#field-confirm").fill(password)
    page.locator("#save-password").click()


def test_an_invited_parent_chooses_a_password_then_resets_it(page: Page, live_server: LiveServer,
                                                             demo_rows: list, mail_to_loopback: SmtpServer) -> None:
    sign_in_adult(page, person(demo_rows, "Helen Carter"))
    page.goto("/admin/people")
    page.locator("#invite-person").click()
    expect(page).to_have_url(path_is("/admin/people/invite"))
    check_accessible(page, "admin-invite")
    page.get_by_label("Parent or carer").check()
    page.locator("#field-display_name").fill("Ola Browser")
    page.locator("#field-email").fill(EMAIL)
    page.locator("#send-invitation").click()
    expect(page.locator(".notice")).to_contain_text("We have emailed Ola Browser an invitation")
    sign_out(page)

    invitation = _link_in_mail(mail_to_loopback, 1, "/invitation/")
    page.goto(invitation)
    expect(page.locator("h1")).to_contain_text("Set up your account")
    check_accessible(page, "invitation-accept")
    _choose_password(page, "password1234")
    expect(page.locator(".error-box")).to_contain_text("many people use")
    check_accessible(page, "invitation-weak-password")
    _choose_password(page, "ola's green teapot")
    expect(page).to_have_url(path_is("/family/"))
    sign_out(page)

    page.goto(invitation)
    expect(page.locator("h1")).to_contain_text("This link has been used")
    check_accessible(page, "password-link-used")

    page.goto("/login")
    page.locator("#forgot-password").click()
    expect(page).to_have_url(path_is("/password/forgot"))
    check_accessible(page, "forgot-password")
    page.locator("#field-email").fill(EMAIL)
    page.locator("#send-reset-link").click()
    expect(page.locator(".notice")).to_contain_text("If that email address belongs to an account")
    check_accessible(page, "forgot-password-sent")

    reset = _link_in_mail(mail_to_loopback, 2, "/password/reset/")
    page.goto(reset)
    expect(page.locator("h1")).to_contain_text("Choose a new password")
    check_accessible(page, "password-reset")
    _choose_password(page, "ola's blue teapot now")
    expect(page).to_have_url(path_is("/family/"))
