"""axe-core (WCAG 2.2 A/AA) and tap-target sizes on every page the demo can reach, at iPad size.

Each page has a small recipe that gets a fresh iPad to it the way a person would (signing in,
clicking names) so the page is checked in the state people really see it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    HOME_FOR_ROLE,
    Row,
    SessionCookies,
    axe_check,
    learner_card_sign_in,
    open_picture_check,
    person,
)

LEARNER_TARGET_PX = 64
STANDARD_TARGET_PX = 44
LEARNER_TARGETS = "button, a.button, input[type=radio]+label"
# Radio buttons and checkboxes sit inside their big .choice label, which is the real target,
# so they are measured through that label; every other form control is measured itself.
STANDARD_TARGETS = (
    "button, a.button, .choice label, select, textarea, "
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
)


@dataclass(frozen=True)
class Visit:
    """The state a recipe needs: demo sign-ins and the ability to make this iPad a school tablet."""

    rows: list[Row]
    tablet_cookie: dict[str, Any]
    session_cookies: SessionCookies

    def row(self, name: str) -> Row:
        return person(self.rows, name)

    def make_school_tablet(self, page: Page) -> None:
        page.context.add_cookies([self.tablet_cookie])  # type: ignore[list-item]

    def sign_in(self, page: Page, name: str) -> None:
        """Reuse an adult's real sign-in (done once per session through the form) and open their home."""
        page.context.add_cookies(self.session_cookies(name))  # type: ignore[arg-type]
        page.goto(HOME_FOR_ROLE[self.row(name)["role"]])
        expect(page.locator(".site-header .who")).to_have_text(name)


Recipe = Callable[[Page, Visit], None]


def _goto(path: str, status: int = 200, tablet: bool = False) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        if tablet:
            visit.make_school_tablet(page)
        response = page.goto(path)
        assert response is not None and response.status == status, f"{path} gave {response and response.status}"
    return recipe


def _signed_in(name: str, path: str | None = None, status: int = 200) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        visit.sign_in(page, name)
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.status == status, f"{path} gave {response and response.status}"
    return recipe


def _login_error(page: Page, visit: Visit) -> None:
    page.goto("/login")
    page.locator("#field-email").fill("nobody@riverside.example")
    page.locator("#field-password").fill("not the password")
    page.locator("#sign-in-button").click()
    expect(page.get_by_role("alert")).to_contain_text("Those details did not work")


def _code_error(page: Page, visit: Visit) -> None:
    visit.make_school_tablet(page)
    page.goto("/code")
    page.locator("#field-code").fill("ZZZ999")
    page.locator("#code-next").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")


def _picture_check(page: Page, visit: Visit) -> None:
    visit.make_school_tablet(page)
    open_picture_check(page, visit.row("Sam Patel"))


def _picture_check_wrong(page: Page, visit: Visit) -> None:
    # Maya: one wrong tap here, reset by her correct keyboard sign-in in test_sign_in.
    maya = visit.row("Maya Jones")
    visit.make_school_tablet(page)
    open_picture_check(page, maya)
    page.locator(f"button.picture-choice:not(#picture-{maya['picture']})").first.click()
    expect(page.get_by_role("alert")).to_contain_text("That is not your picture")


def _learner_home(name: str) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        visit.make_school_tablet(page)
        learner_card_sign_in(page, visit.row(name))
    return recipe


def _aisha_home(page: Page, visit: Visit) -> None:
    _learner_home("Aisha Khan")(page, visit)
    expect(page.locator("html")).to_have_class(re.compile(r"contrast-high"))
    expect(page.locator("html")).to_have_class(re.compile(r"text-extra-large"))


def _staff_learner(staff: str, learner: str) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        visit.sign_in(page, staff)
        page.locator("a.button", has_text=learner).click()
        expect(page).to_have_url(re.compile(r"/staff/learners/\d+$"))
        expect(page.locator("h1")).to_have_text(learner)
    return recipe


def _card_print(page: Page, visit: Visit) -> None:
    # Ruby: making a card stops her old one, and no other test uses Ruby's card.
    _staff_learner("Daniel Okafor", "Ruby Green")(page, visit)
    page.locator("#new-card").click()
    expect(page).to_have_url(re.compile(r"/staff/learners/\d+/card$"))
    expect(page.locator("#card-code")).to_be_visible()


def _card_missing(page: Page, visit: Visit) -> None:
    _staff_learner("Priya Shah", "Sam Patel")(page, visit)
    page.goto(page.url + "/card")
    expect(page.locator("h1")).to_have_text("Print a card for Sam")


def _tablet_enrolled(page: Page, visit: Visit) -> None:
    visit.make_school_tablet(page)
    _signed_in("Priya Shah", "/staff/tablet")(page, visit)
    expect(page.locator("#forget-tablet")).to_be_visible()


def _admin_person(name: str) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        _signed_in("Helen Carter", "/admin/people")(page, visit)
        page.locator("#people-list a", has_text=name).click()
        expect(page).to_have_url(re.compile(r"/admin/people/\d+$"))
        expect(page.locator("h1")).to_have_text(name)
    return recipe


def _admin_group(page: Page, visit: Visit) -> None:
    _signed_in("Helen Carter", "/admin/groups")(page, visit)
    page.locator("a.button", has_text="Oak class").click()
    expect(page).to_have_url(re.compile(r"/admin/groups/\d+$"))


def _family_child(page: Page, visit: Visit) -> None:
    visit.sign_in(page, "Nina Patel")
    page.locator("a.button", has_text="Sam Patel").click()
    expect(page).to_have_url(re.compile(r"/family/learners/\d+$"))


def _unknown_card(page: Page, visit: Visit) -> None:
    _goto("/card/not-a-real-token", status=404, tablet=True)(page, visit)
    expect(page.locator("h1")).to_have_text("We do not know this card")


def _not_school_tablet(page: Page, visit: Visit) -> None:
    _goto(visit.row("Leo Smith")["login_url"], status=403)(page, visit)
    expect(page.locator("h1")).to_have_text("This is not a school tablet")


# name -> (recipe, is a learner page with 64px targets)
PAGES: dict[str, tuple[Recipe, bool]] = {
    "welcome": (_goto("/"), True),
    "login": (_goto("/login"), False),
    "login-error": (_login_error, False),
    "about": (_goto("/about"), False),
    "code": (_goto("/code", tablet=True), True),
    "code-error": (_code_error, True),
    "picture-check": (_picture_check, True),
    "picture-check-wrong": (_picture_check_wrong, True),
    "learner-home-sam": (_learner_home("Sam Patel"), True),
    "learner-home-aisha": (_aisha_home, True),
    "staff-home": (_signed_in("Priya Shah"), False),
    "staff-learner": (_staff_learner("Priya Shah", "Sam Patel"), False),
    "staff-card-missing": (_card_missing, False),
    "staff-card-print": (_card_print, False),
    "staff-tablet": (_signed_in("Priya Shah", "/staff/tablet"), False),
    "staff-tablet-enrolled": (_tablet_enrolled, False),
    "admin-home": (_signed_in("Helen Carter", "/admin/"), False),
    "admin-people": (_signed_in("Helen Carter", "/admin/people"), False),
    "admin-people-new": (_signed_in("Helen Carter", "/admin/people/new"), False),
    "admin-person-learner": (_admin_person("Sam Patel"), False),
    "admin-person-staff": (_admin_person("Priya Shah"), False),
    "admin-person-parent": (_admin_person("Nina Patel"), False),
    "admin-groups": (_signed_in("Helen Carter", "/admin/groups"), False),
    "admin-group": (_admin_group, False),
    "family-home": (_signed_in("Nina Patel"), False),
    "family-child": (_family_child, False),
    "error-404": (_goto("/nope", status=404), False),
    "error-403": (_signed_in("Priya Shah", "/admin/", status=403), False),
    "error-unknown-card": (_unknown_card, False),
    "error-not-school-tablet": (_not_school_tablet, False),
}


@pytest.fixture
def visit(demo_rows: list[Row], tablet_cookie: dict[str, Any], adult_session_cookies: SessionCookies) -> Visit:
    """Everything a page recipe may need, bundled so recipes stay one-liners."""
    return Visit(rows=demo_rows, tablet_cookie=tablet_cookie, session_cookies=adult_session_cookies)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(page: Page, visit: Visit, name: str) -> None:
    """Zero WCAG 2.2 A/AA violations: these pages are for learners with SEND and their families."""
    recipe, _learner = PAGES[name]
    recipe(page, visit)
    page.wait_for_load_state("load")
    axe_check(page)


def _small_targets(page: Page, selector: str, minimum: int) -> list[str]:
    """Describe every visible target under ``selector`` smaller than ``minimum`` CSS px either way."""
    return page.evaluate(
        """([selector, minimum]) => {
            const describe = (el) => {
                let d = el.tagName.toLowerCase();
                if (el.id) d += '#' + el.id;
                if (el.className && typeof el.className === 'string') d += '.' + el.className.trim().split(/\\s+/).join('.');
                const label = el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '';
                return d + ' "' + label.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
            };
            const out = [];
            for (const el of document.querySelectorAll(selector)) {
                const s = getComputedStyle(el);
                const r = el.getBoundingClientRect();
                if (s.display === 'none' || s.visibility === 'hidden' || r.width === 0 || r.height === 0) continue;
                if (el.closest('.visually-hidden')) continue;
                if (r.width < minimum || r.height < minimum) {
                    out.push(describe(el) + ' is ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1));
                }
            }
            return out;
        }""",
        [selector, minimum],
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_tap_targets_are_big_enough(page: Page, visit: Visit, name: str) -> None:
    """64 px targets where learners tap, 44 px everywhere else (WCAG 2.5.5 AAA, the app's own promise)."""
    recipe, learner_page = PAGES[name]
    recipe(page, visit)
    page.wait_for_load_state("load")
    selector, minimum = (LEARNER_TARGETS, LEARNER_TARGET_PX) if learner_page else (STANDARD_TARGETS, STANDARD_TARGET_PX)
    counted = page.locator(selector).count()
    assert counted > 0, f"no targets found on {page.url}: is the selector right?"
    small = _small_targets(page, selector, minimum)
    assert not small, f"{len(small)} target(s) under {minimum}x{minimum} px on {page.url}:\n  " + "\n  ".join(small)
