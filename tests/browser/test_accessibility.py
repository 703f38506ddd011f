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
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.conftest import FIXTURES

from .conftest import (
    HOME_FOR_ROLE,
    LEARNER_TARGET_PX,
    LEARNER_TARGETS,
    STANDARD_TARGET_PX,
    STANDARD_TARGETS,
    LiveServer,
    Row,
    SessionCookies,
    axe_check,
    ipad_context,
    learner_card_sign_in,
    open_picture_check,
    person,
    screenshot,
    small_targets,
)


@dataclass(frozen=True)
class LeoDrafts:
    """Leo's two drafts, made once per session: one with every step answered, one just started."""

    filled: int
    fresh: int


@dataclass(frozen=True)
class Visit:
    """The state a recipe needs: demo sign-ins and the ability to make this iPad a school tablet."""

    rows: list[Row]
    tablet_cookie: dict[str, Any]
    session_cookies: SessionCookies
    learner_cookies: SessionCookies
    leo_drafts: Callable[[], LeoDrafts]

    def row(self, name: str) -> Row:
        return person(self.rows, name)

    def make_school_tablet(self, page: Page) -> None:
        page.context.add_cookies([self.tablet_cookie])  # type: ignore[list-item]

    def sign_in(self, page: Page, name: str) -> None:
        """Reuse an adult's real sign-in (done once per session through the form) and open their home."""
        page.context.add_cookies(self.session_cookies(name))  # type: ignore[arg-type]
        page.goto(HOME_FOR_ROLE[self.row(name)["role"]])
        expect(page.locator(".site-header .who")).to_have_text(name)

    def learner_signed_in(self, page: Page, name: str) -> None:
        """Reuse a learner's card sign-in on the school tablet (no page is opened)."""
        page.context.add_cookies(self.learner_cookies(name))  # type: ignore[arg-type]


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


def _entry_id(page: Page, text: str) -> int:
    """The id of the one portfolio card on this page that mentions ``text``."""
    card = page.locator("li.experience-card", has_text=text)
    expect(card).to_have_count(1)
    return int((card.get_attribute("id") or "").removeprefix("experience-"))


def _learner_step(key: str, fresh: bool = False) -> Recipe:
    """One of Leo's step screens: the answered draft (choices pressed, a photo, a recording) or the new one."""
    def recipe(page: Page, visit: Visit) -> None:
        drafts = visit.leo_drafts()
        visit.learner_signed_in(page, "Leo Smith")
        entry = drafts.fresh if fresh else drafts.filled
        response = page.goto(f"/experiences/{entry}/steps/{key}")
        assert response is not None and response.status == 200, f"step {key} gave {response and response.status}"
        expect(page.locator(f"#step-{key}")).to_be_visible()
        if not fresh and key in {"kind", "place", "date", "did", "feeling", "skills", "job"}:
            expect(page.locator(f"#step-{key} [aria-pressed=true]").first).to_be_visible()
        if not fresh and key == "photos":
            expect(page.locator("#step-photos .photo-item")).to_have_count(1)
        if not fresh and key == "voice":
            expect(page.locator("#play-voice")).to_be_visible()
            expect(page.locator("[data-recorder]")).to_be_visible()
    return recipe


def _sam_entry(viewer: str, text: str, suffix: str = "") -> Recipe:
    """One of Sam's entries seen by ``viewer``: Sam finds it on his home, adults on their page about Sam."""
    def recipe(page: Page, visit: Visit) -> None:
        if viewer == "Sam Patel":
            visit.learner_signed_in(page, viewer)
            page.goto("/me/")
        else:
            visit.sign_in(page, viewer)
            page.locator("a.button", has_text="Sam Patel").click()
        entry = _entry_id(page, text)
        path = f"/experiences/{entry}{suffix}"
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} gave {response and response.status}"
    return recipe


def _staff_edit(text: str) -> Recipe:
    def recipe(page: Page, visit: Visit) -> None:
        _staff_learner("Priya Shah", "Sam Patel")(page, visit)
        entry = _entry_id(page, text)
        page.goto(f"/experiences/{entry}/edit")
        expect(page.locator("#check")).to_be_visible()
    return recipe


def _staff_edit_from_queue(page: Page, visit: Visit) -> None:
    _signed_in("Priya Shah", "/staff/to-check")(page, visit)
    page.locator("li.experience-card", has_text="café").locator("a.experience-link").click()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/edit#check$"))
    expect(page.locator("#approve-entry")).to_be_visible()


def _caption_symbol(page: Page, visit: Visit) -> None:
    _staff_edit_from_queue(page, visit)
    page.locator(".word-links a", has_text=re.compile(r"^\s*tea\s*$")).click()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/caption-symbol\?word=tea$"))
    expect(page.locator(".symbol-results button").first).to_be_visible()


def _school_symbols(page: Page, visit: Visit) -> None:
    # 'kiln' is in no demo caption, so this school symbol changes nothing another test sees.
    _signed_in("Priya Shah", "/symbols/")(page, visit)
    if page.locator(".school-symbol", has_text="kiln").count() == 0:
        page.locator("#field-word").fill("kiln")
        page.locator("#field-image").set_input_files(str(FIXTURES / "photo_small.png"))
        page.locator("#save-symbol").click()
    expect(page.locator(".school-symbol", has_text="kiln")).to_have_count(1)


def _family_child_with_entries(page: Page, visit: Visit) -> None:
    _family_child(page, visit)
    expect(page.locator("li.experience-card").first).to_be_visible()


def _staff_plan(page: Page, visit: Visit) -> None:
    """Priya opens Sam's plan and, the first time, fills in a year the way a TA would."""
    _staff_learner("Priya Shah", "Sam Patel")(page, visit)
    page.locator("#plan-link").click()
    if page.locator("#save-words").count() == 0:
        page.locator("#field-year-group").select_option("9")
        page.locator("#start-year").click()
        page.locator("#edit-words").click()
        page.locator("#field-aspirations").fill("I want to work at a garden centre.")
        page.locator("#save-words").click()
        page.locator("#add-option-open").click()
        page.locator("#field-option-title").fill("Horticulture course at Riverside College")
        page.locator("#add-option").click()
        page.locator("#add-step-open").click()
        page.locator("#field-step-who").fill("Priya")
        page.locator("#field-step-what").fill("Book a visit to the college")
        page.locator("#add-step").click()
    expect(page.locator("#plan-steps")).to_contain_text("Book a visit to the college")
    screenshot(page, "plan-staff")


def _learner_plan(page: Page, visit: Visit) -> None:
    _learner_home("Sam Patel")(page, visit)
    page.locator("#my-plan").click()
    expect(page.locator("h1")).to_contain_text("transition plan")
    screenshot(page, "plan-learner")


def _family_plan(page: Page, visit: Visit) -> None:
    _family_child(page, visit)
    page.locator("#plan-link").click()
    expect(page.locator("h1")).to_contain_text("transition plan")


def _review_draft(page: Page, visit: Visit) -> None:
    """The careers leader makes a pack for Sam covering his demo entries."""
    _staff_learner("Helen Carter", "Sam Patel")(page, visit)
    page.locator("#reviews-link").click()
    # Earlier packs here may be final already, which moves the default start date on.
    page.locator("#field-date_from").fill("2025-01-01")
    page.locator("#make-pack").click()
    expect(page.locator("h1")).to_contain_text("My views")
    expect(page.locator(".review-entry").first).to_be_visible()
    screenshot(page, "review-draft")


def _review_final_for_family(page: Page, visit: Visit) -> None:
    _review_draft(page, visit)
    page.locator("#field-questions").fill("Can I do a catering course at college?")
    page.locator("#save-pack").click()
    page.locator("#finalise-pack").click()
    expect(page.locator("body")).to_contain_text("Final on")
    page.wait_for_load_state("networkidle")  # no request still in flight can bring Helen's cookie back
    page.context.clear_cookies()
    visit.sign_in(page, "Nina Patel")
    page.locator("a.button", has_text="Sam Patel").click()
    page.locator("a[id^=final-pack-]").last.click()
    expect(page.locator("body")).to_contain_text("Can I do a catering course at college?")
    expect(page.locator(".review-photo").first).to_be_visible()
    screenshot(page, "review-final-family")


STEP_KEYS = ("kind", "place", "date", "photos", "did", "feeling", "skills", "job", "words", "voice", "send")


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
    "family-child": (_family_child_with_entries, False),
    **{f"step-{key}": (_learner_step(key), True) for key in STEP_KEYS},
    "step-kind-new": (_learner_step("kind", fresh=True), True),
    "step-words-new": (_learner_step("words", fresh=True), True),
    "step-sent": (_sam_entry("Sam Patel", "café", "/sent"), True),
    "experience-learner": (_sam_entry("Sam Patel", "Green Fingers"), True),
    "experience-staff": (_sam_entry("Priya Shah", "Green Fingers"), False),
    "experience-parent": (_sam_entry("Nina Patel", "Green Fingers"), False),
    "staff-to-check": (_signed_in("Priya Shah", "/staff/to-check"), False),
    "staff-edit-waiting": (_staff_edit_from_queue, False),
    "staff-edit-shared": (_staff_edit("Green Fingers"), False),
    "caption-symbol": (_caption_symbol, False),
    "school-symbols": (_school_symbols, False),
    "plan-staff": (_staff_plan, False),
    "plan-learner": (_learner_plan, True),
    "plan-family": (_family_plan, False),
    "review-draft": (_review_draft, False),
    "review-final-family": (_review_final_for_family, False),
    "error-404": (_goto("/nope", status=404), False),
    "error-403": (_signed_in("Priya Shah", "/admin/", status=403), False),
    "error-unknown-card": (_unknown_card, False),
    "error-not-school-tablet": (_not_school_tablet, False),
}


def _make_leo_drafts(browser: Browser, playwright: Playwright, live_server: LiveServer,
                     cookies: list[dict[str, Any]]) -> LeoDrafts:
    """Leo taps Add twice: one draft gets every step answered (through the steps' own forms), one stays new.

    Leo is used because no other test relies on his entries.
    """
    ctx = ipad_context(browser, playwright, live_server.url)
    try:
        ctx.add_cookies(cookies)  # type: ignore[arg-type]
        page = ctx.new_page()
        page.goto("/me/")
        page.locator("#add-experience").click()
        expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/kind$"))
        filled = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
        token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""

        def post(path: str, **form: Any) -> None:
            response = page.request.post(f"/experiences/{filled}{path}", form={"csrf_token": token, **form})
            assert response.ok, f"{path} {form} gave {response.status}"

        post("/steps/kind", choose="visit")
        post("/steps/place", choose="library")
        post("/steps/date", choose="yesterday")
        for value in ("tidy-up", "stack-shelves"):
            post("/steps/did", toggle=f"{value}:on")
        post("/steps/feeling", choose="feeling-liked")
        post("/steps/skills", toggle="skill-teamwork:on")
        post("/steps/job", choose="maybe")
        for word in ("I", "helped", "today"):
            post("/steps/words", add_word=word)
        for path, field, name, mime in (("/photos", "photo", "photo_small.png", "image/png"),
                                        ("/voice", "voice", "voice_chrome.webm", "audio/webm")):
            response = page.request.post(f"/experiences/{filled}{path}", multipart={
                "csrf_token": token,
                field: {"name": name, "mimeType": mime, "buffer": (FIXTURES / name).read_bytes()},
            })
            assert response.ok, f"{path} gave {response.status}"

        page.goto("/me/")
        page.locator("#add-experience").click()
        expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/kind$"))
        fresh = int(re.search(r"/experiences/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
        assert fresh != filled, "a second Add should start a new entry once the first has answers"
        return LeoDrafts(filled=filled, fresh=fresh)
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def leo_drafts(browser: Browser, playwright: Playwright, live_server: LiveServer,
               learner_session_cookies: SessionCookies) -> Callable[[], LeoDrafts]:
    """Leo's drafts, made the first time a recipe asks for them."""
    made: list[LeoDrafts] = []

    def get() -> LeoDrafts:
        if not made:
            made.append(_make_leo_drafts(browser, playwright, live_server, learner_session_cookies("Leo Smith")))
        return made[0]

    return get


@pytest.fixture
def visit(demo_rows: list[Row], tablet_cookie: dict[str, Any], adult_session_cookies: SessionCookies,
          learner_session_cookies: SessionCookies, leo_drafts: Callable[[], LeoDrafts]) -> Visit:
    """Everything a page recipe may need, bundled so recipes stay one-liners."""
    return Visit(rows=demo_rows, tablet_cookie=tablet_cookie, session_cookies=adult_session_cookies,
                 learner_cookies=learner_session_cookies, leo_drafts=leo_drafts)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(page: Page, visit: Visit, name: str) -> None:
    """Zero WCAG 2.2 A/AA violations: these pages are for learners with SEND and their families."""
    recipe, _learner = PAGES[name]
    recipe(page, visit)
    page.wait_for_load_state("load")
    axe_check(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_tap_targets_are_big_enough(page: Page, visit: Visit, name: str) -> None:
    """64 px targets where learners tap, 44 px everywhere else (WCAG 2.5.5 AAA, the app's own promise)."""
    recipe, learner_page = PAGES[name]
    recipe(page, visit)
    page.wait_for_load_state("load")
    selector, minimum = (LEARNER_TARGETS, LEARNER_TARGET_PX) if learner_page else (STANDARD_TARGETS, STANDARD_TARGET_PX)
    counted = page.locator(selector).count()
    assert counted > 0, f"no targets found on {page.url}: is the selector right?"
    small = small_targets(page, selector, minimum)
    assert not small, f"{len(small)} target(s) under {minimum}x{minimum} px on {page.url}:\n  " + "\n  ".join(small)


def test_bottom_bar_covers_nothing(page: Page, visit: Visit) -> None:
    """Scrolled to the very end of every step, nothing is left under the fixed Back and Next bar,
    at Leo's normal text size and at extra-large text (the bar grows with the text)."""
    _learner_step("kind")(page, visit)
    entry = visit.leo_drafts().filled
    covered: list[str] = []
    for key in STEP_KEYS:
        page.goto(f"/experiences/{entry}/steps/{key}")
        for text_class in ("", "text-extra-large"):
            gap = page.evaluate(
                """(cls) => {
                    if (cls) { document.documentElement.classList.add(cls); }
                    window.scrollTo(0, document.documentElement.scrollHeight);
                    const bar = document.querySelector('.step-nav').getBoundingClientRect();
                    const footer = document.querySelector('.site-footer').getBoundingClientRect();
                    return bar.top - footer.bottom;
                }""",
                text_class,
            )
            if gap < 0:
                covered.append(f"{key} {text_class or 'normal text'}: the footer ends {-gap:.0f}px under the bar")
    assert not covered, "the bottom bar hides the end of the page:\n  " + "\n  ".join(covered)
