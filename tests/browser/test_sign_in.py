"""Every way into the app, driven through the real pages as each kind of person uses them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    Row,
    active_element_matches,
    assert_visible_focus,
    enrol_tablet,
    landing_for,
    learner_card_sign_in,
    open_picture_check,
    path_is,
    person,
    screenshot,
    sign_in_adult,
    tab_to,
)

# Signing in with the worker installing alongside, as on a school iPad.
pytestmark = pytest.mark.with_service_worker


@pytest.mark.parametrize(
    ("role", "name", "shot"),
    [
        ("admin", "Helen Carter", "admin-home"),
        ("staff", "Priya Shah", "staff-home"),
        ("parent", "Nina Patel", "parent-home"),
    ],
    ids=["admin", "staff", "parent"],
)
def test_adult_signs_in_and_lands_on_their_home(page: Page, demo_rows: list[Row], role: str, name: str,
                                                shot: str) -> None:
    """Each adult role reaches its own home page, with one h1 and their name in the header."""
    row = person(demo_rows, name)
    assert row["role"] == role
    sign_in_adult(page, row)
    expect(page).to_have_url(landing_for(role))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".site-header .who")).to_have_text(name)
    expect(page.locator("#sign-out")).to_be_visible()
    screenshot(page, shot)


def test_learner_signs_in_with_card_and_picture(page: Page, demo_rows: list[Row]) -> None:
    """The whole learner journey: a TA sets up the tablet, Sam scans his card and taps his dog."""
    enrol_tablet(page, person(demo_rows, "Priya Shah"))
    sam = person(demo_rows, "Sam Patel")
    open_picture_check(page, sam)
    expect(page.locator("h1")).to_have_text("Which picture is yours?")
    pictures = page.locator("button.picture-choice")
    expect(pictures).to_have_count(4)
    expect(page.locator(f"#picture-{sam['picture']}")).to_be_visible()
    screenshot(page, "picture-check")

    page.locator(f"#picture-{sam['picture']}").click()
    expect(page).to_have_url(path_is("/me/"))
    heading = page.locator("h1")
    expect(heading).to_have_count(1)
    expect(heading).to_contain_text("Hello Sam")
    expect(page.locator("#sign-out")).to_contain_text("Finish")
    screenshot(page, "learner-home")


def test_learner_display_settings_apply_after_card_sign_in(tablet_page: Page, demo_rows: list[Row]) -> None:
    """Aisha's extra-large, high-contrast settings must reach her pages, not only the staff preview."""
    learner_card_sign_in(tablet_page, person(demo_rows, "Aisha Khan"))
    html = tablet_page.locator("html")
    expect(html).to_have_class(re.compile(r"(^|\s)contrast-high(\s|$)"))
    expect(html).to_have_class(re.compile(r"(^|\s)text-extra-large(\s|$)"))
    expect(tablet_page.locator("h1")).to_contain_text("Hello Aisha")
    screenshot(tablet_page, "learner-home-high-contrast")


def test_wrong_picture_is_refused_kindly(tablet_page: Page, demo_rows: list[Row]) -> None:
    """A wrong tap explains itself in an alert and signs nobody in."""
    tom = person(demo_rows, "Tom Reid")
    open_picture_check(tablet_page, tom)
    ids: list[str] = tablet_page.locator("button.picture-choice").evaluate_all("els => els.map(e => e.id)")
    wrong = next(i for i in ids if i != f"picture-{tom['picture']}")
    tablet_page.locator(f"#{wrong}").click()

    alert = tablet_page.get_by_role("alert")
    expect(alert).to_contain_text("That is not your picture")
    expect(tablet_page).to_have_url(path_is("/card/check"))
    expect(tablet_page.locator("#sign-out")).to_have_count(0)
    expect(tablet_page.locator("button.picture-choice")).to_have_count(4)
    # And the learner's own space is still closed.
    tablet_page.goto("/me/")
    expect(tablet_page).not_to_have_url(path_is("/me/"))
    expect(tablet_page.locator("#sign-out")).to_have_count(0)


def test_short_code_leads_to_the_picture_check(tablet_page: Page, demo_rows: list[Row]) -> None:
    """Without a camera, typing the card's code works the same as scanning it."""
    leo = person(demo_rows, "Leo Smith")
    tablet_page.goto("/code")
    # Typed key by key, as a learner or TA would, not pasted in.
    tablet_page.locator("#field-code").press_sequentially(leo["short_code"])
    tablet_page.locator("#code-next").click()
    expect(tablet_page).to_have_url(path_is("/card/check"))
    expect(tablet_page.locator("button.picture-choice")).to_have_count(4)
    tablet_page.locator(f"#picture-{leo['picture']}").click()
    expect(tablet_page).to_have_url(path_is("/me/"))
    expect(tablet_page.locator("h1")).to_contain_text("Hello Leo")


def test_card_on_a_tablet_that_is_not_enrolled(page: Page, demo_rows: list[Row]) -> None:
    """A found card on a home iPad must not open the picture check at all."""
    response = page.goto(person(demo_rows, "Maya Jones")["login_url"])
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("This is not a school tablet")
    expect(page.locator("button.picture-choice")).to_have_count(0)
    expect(page.locator("#sign-out")).to_have_count(0)


def test_keyboard_only_adult_sign_in(page: Page, demo_rows: list[Row]) -> None:
    """A switch or keyboard user can sign in with Tab, typing and Enter alone, and always see focus."""
    priya = person(demo_rows, "Priya Shah")
    page.goto("/login")

    page.keyboard.press("Tab")
    assert active_element_matches(page, "a.skip-link"), "the first Tab must reach the skip link"
    assert_visible_focus(page)

    tab_to(page, "#field-email")
    assert_visible_focus(page)
    page.keyboard.type(priya["email"])
    tab_to(page, "#field-password")
    assert_visible_focus(page)
    page.keyboard.type(priya["password"])
    tab_to(page, "#sign-in-button")
    assert_visible_focus(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(path_is("/staff/"))
    expect(page.locator(".site-header .who")).to_have_text("Priya Shah")


def test_keyboard_only_picture_check(tablet_page: Page, demo_rows: list[Row]) -> None:
    """A learner using a switch or keyboard reaches their own picture and chooses it with Enter."""
    maya = person(demo_rows, "Maya Jones")
    open_picture_check(tablet_page, maya)
    tab_to(tablet_page, f"#picture-{maya['picture']}")
    assert_visible_focus(tablet_page)
    tablet_page.keyboard.press("Enter")
    expect(tablet_page).to_have_url(path_is("/me/"))
    expect(tablet_page.locator("h1")).to_contain_text("Hello Maya")
