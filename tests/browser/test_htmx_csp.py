"""htmx must keep working under the strict CSP (no inline script, no inline style, no eval).

If the CSP blocked htmx, the form would still work as a full-page POST, so a plain 'it saved'
check would pass; this test proves the partial swap itself happened.
"""
from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Error, Page, expect

from .conftest import Row, person, sign_in_adult


def test_display_settings_swap_in_place_under_csp(page: Page, demo_rows: list[Row]) -> None:
    """Saving a learner's text size swaps only #display-settings, with no CSP complaints."""
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        messages.append(f"console.{message.type}: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        messages.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)

    # Tom: changing his text size does not disturb any other test.
    sign_in_adult(page, person(demo_rows, "Priya Shah"))
    page.locator("a.button", has_text="Tom Reid").click()
    expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
    url_before = page.url
    # Marks that a full page load would wipe and an outerHTML swap would replace.
    page.evaluate("() => { window.__sameDocument = true; document.getElementById('display-settings').dataset.old = '1'; }")

    large = page.get_by_label("Large", exact=True)
    large.check()
    with page.expect_response(lambda r: r.url.endswith("/settings") and r.request.method == "POST") as posted:
        page.locator("#save-display").click()
    response = posted.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true", "the form was not sent by htmx"
    assert "<html" not in response.text().lower(), "htmx should get the fragment, not a whole page"

    section = page.locator("#display-settings")
    expect(section.get_by_role("status")).to_contain_text("Saved")
    expect(section).to_have_count(1)
    expect(section).not_to_have_attribute("data-old", "1")
    expect(page.get_by_label("Large", exact=True)).to_be_checked()
    expect(section.locator(".preview")).to_have_class(re.compile(r"(^|\s)text-large(\s|$)"))
    # app.js tells screen-reader users what happened and moves focus to the new section's heading.
    expect(page.locator("#live")).to_contain_text("Saved.")
    expect(page.locator("#display-heading")).to_be_focused()
    assert page.url == url_before, f"the URL changed to {page.url}"
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded instead of swapped"

    csp = [m for m in messages if "content security policy" in m.lower()]
    assert not csp, "CSP violations:\n" + "\n".join(csp)
    # Script errors would mean htmx or app.js broke; resource 404s (a missing favicon) are not this test's business.
    errors = [m for m in messages if m.startswith("pageerror")]
    assert not errors, "script errors:\n" + "\n".join(errors)
