"""Access settings in Chromium on the iPad: extra-large text with high contrast on every learner step,
a whole entry with the keyboard alone, and a whole entry with one-switch scanning alone.

The entry's path is read from the page each time (the step strip, the one-answer choices, Next, Done and
Send), never written down here, so these tests keep working when the steps change order or number.
Each learner is made for the test inside the live app, so no demo learner's settings change.
"""
from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import AccessSetting, Role, User
from portfolio.people import access, accounts, cards
from tests.browser.conftest import (
    LiveServer,
    Row,
    check_accessible,
    ipad_context,
    learner_card_sign_in,
    path_is,
    screenshot,
)

PLAIN = {"text_size": "normal", "symbol_mode": "symbols-and-text", "scan_mode": "off", "scan_seconds": "2.0"}
SENT = re.compile(r"/experiences/\d+/sent$")
MOST_PAGES = 40  # an entry that needs more pages than this has lost its way

# Every button, link-button and label on the page, and every text box inside one: none may spill out.
OVERFLOW_JS = """
(wordsShown) => {
  const problems = [];
  const describe = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\\s+/).join('.'))
      + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 30) + '"';
  const shown = (el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
      return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0 && !el.closest('.visually-hidden'); };
  const boxes = 'button, a.button, label.button, .choice label, a.experience-link';
  const words = '.button-text, .choice-text, .step-label, .hear-word, .experience-title';
  for (const el of document.querySelectorAll(boxes)) {
    if (!shown(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) problems.push(describe(el) + ' is wider inside (' + el.scrollWidth + ') than its box (' + el.clientWidth + ')');
    if (el.scrollHeight > el.clientHeight + 1) problems.push(describe(el) + ' is taller inside (' + el.scrollHeight + ') than its box (' + el.clientHeight + ')');
    const box = el.getBoundingClientRect();
    for (const text of el.querySelectorAll(words)) {
      const r = text.getBoundingClientRect();
      if (getComputedStyle(text).display === 'none' || r.width < 2 || r.height < 2) {
        if (wordsShown) problems.push(describe(el) + ': its words are hidden');
        continue;
      }
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(describe(el) + ': its words run outside it');
      }
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const line of range.getClientRects()) {
        if (line.right > box.right + 1 || line.left < box.left - 1) problems.push(describe(el) + ': a line of words runs outside it');
      }
    }
  }
  return problems;
}
"""

# What to press next, read from the page: Send when it is there, the first choice of a one-answer step
# nobody has answered, then Send (in the bar) or Next / Done.
NEXT_TARGET_JS = """
() => {
  const shown = (el) => el && el.getClientRects().length > 0 && !el.disabled;
  if (location.pathname === '/me/') return 'add-experience';
  const send = document.getElementById('send-entry');
  if (shown(send)) return 'send-entry';
  const choices = [...document.querySelectorAll('main .symbol-choice[name=choose]')].filter(shown);
  if (choices.length && !choices.some((c) => c.getAttribute('aria-pressed') === 'true')) return choices[0].id;
  for (const id of ['step-send-now', 'step-next']) { if (shown(document.getElementById(id))) return id; }
  return null;
}
"""

# How many Tab presses forward and Shift+Tab presses back reach ``id`` from the focus now.
TAB_PLAN_JS = """
(id) => {
  const order = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
  const to = order.findIndex((el) => el.id === id);
  const from = order.indexOf(document.activeElement);
  const n = order.length + 1;
  return {forward: ((to - from) % n + n) % n, backward: ((from - to) % n + n) % n};
}
"""

MARK_JS = "(id) => { window.__accessMark = document.getElementById(id); }"
CHANGED_JS = "(id) => !window.__accessMark || document.getElementById(id) !== window.__accessMark"


def make_learner(live: LiveServer, settings: dict[str, str], *, seconds: float | None = None) -> Row:
    """A learner of their own in Priya's group, with a card and these access settings."""
    name = f"Access {uuid.uuid4().hex[:6]}"
    with live.app.app_context():
        dbs = db.session()
        sam = dbs.scalar(select(User).where(User.display_name == "Sam Patel"))
        priya = dbs.scalar(select(User).where(User.display_name == "Priya Shah"))
        assert sam is not None and priya is not None
        learner = accounts.create_person(dbs, sam.school, accounts.PersonDetails(
            display_name=name, role=Role.LEARNER, group_id=sam.group_id, picture_symbol=sam.picture_symbol))
        access.save_settings(dbs, learner, {**PLAIN, **settings})
        if seconds is not None:  # faster than staff may choose, so the test does not wait on the timer
            row = dbs.scalar(select(AccessSetting).where(AccessSetting.learner_id == learner.id))
            assert row is not None
            row.scan_seconds = seconds
        issued = cards.issue_card(dbs, learner, priya, 30)
        dbs.commit()
    return {"name": name, "role": "learner", "login_url": f"{live.url}/card/{issued.token}",
            "picture": sam.picture_symbol}


@pytest.fixture
def tablet(browser: Browser, playwright: Playwright, live_server: LiveServer,
           tablet_cookie: dict[str, Any]) -> Iterator[BrowserContext]:
    ctx = ipad_context(browser, playwright, live_server.url)
    ctx.add_cookies([tablet_cookie])  # type: ignore[list-item]
    try:
        yield ctx
    finally:
        ctx.close()


def no_overflow(page: Page, words_shown: bool = True) -> None:
    """No words spill out of their button; with ``words_shown``, none is hidden either."""
    page.wait_for_load_state("load")
    problems = page.evaluate(OVERFLOW_JS, words_shown)
    assert not problems, f"on {page.url}:\n  " + "\n  ".join(problems)


def test_extra_large_text_and_high_contrast_keep_every_label_inside_on_every_step(
        tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {"text_size": "extra-large", "high_contrast": "on"})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-extra-large\b.*\bcontrast-high\b"))
    no_overflow(page)
    check_accessible(page, "access-xl-contrast-home")
    page.locator("#add-experience").click()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/\w+$"))
    base = re.sub(r"/steps/\w+$", "/steps/", page.url)
    keys = [key.removeprefix("jump-") for key in page.locator(".step-progress .step-jump").evaluate_all(
        "(all) => all.map((b) => b.id)")]
    assert len(keys) >= 5, f"the step strip offers only {keys}"
    for key in keys:
        page.goto(base + key)
        expect(page.locator(f"#jump-{key}")).to_have_attribute("aria-current", "step")
        no_overflow(page)
        check_accessible(page, f"access-xl-contrast-step-{key}")
        screenshot(page, f"access-xl-contrast-step-{key}-screen", full_page=False)
    print(f"\nextra-large text with high contrast: home and {len(keys)} steps checked: {', '.join(keys)}")


def _wait_for_change(page: Page, target: str) -> None:
    """After a press: a new page, or the pressed control swapped for a new copy by htmx."""
    page.wait_for_function(CHANGED_JS, arg=target)
    page.wait_for_load_state("load")


def _keyboard_to(page: Page, target: str) -> int:
    plan = page.evaluate(TAB_PLAN_JS, target)
    key = "Tab" if plan["forward"] <= plan["backward"] else "Shift+Tab"
    for presses in range(1, 120):
        page.keyboard.press(key)
        if page.evaluate("(id) => !!document.activeElement && document.activeElement.id === id", target):
            return presses
    raise AssertionError(f"{key} never reached #{target} on {page.url}")


def test_a_whole_entry_with_the_keyboard_alone(tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    presses, log = 0, []
    for _ in range(MOST_PAGES):
        if SENT.search(page.url):
            break
        target = page.evaluate(NEXT_TARGET_JS)
        assert target, f"nothing to press on {page.url}"
        moves = _keyboard_to(page, target)
        page.evaluate(MARK_JS, target)
        page.keyboard.press("Enter")
        presses += moves + 1
        log.append(f"{target} ({moves}+1)")
        _wait_for_change(page, target)
    expect(page).to_have_url(SENT)
    screenshot(page, "access-keyboard-sent")
    print(f"\nkeyboard only: {presses} key presses from home to sent: " + ", ".join(log))


def _highlighted(page: Page, target: str) -> tuple[str, int]:
    """Wait until scanning highlights ``target`` (its row, or itself); say which, and how many items
    its row has, both read in the same moment (the scan moves on by itself)."""
    handle = page.wait_for_function(
        """(id) => {
          const el = document.getElementById(id);
          const state = el && el.getAttribute('data-scan');
          return state ? [state, document.querySelectorAll('[data-scan=row]').length] : null;
        }""",
        arg=target, timeout=30_000)
    state, row_size = handle.json_value()
    return str(state), int(row_size)


# The switch press, sent in the same moment the highlight is checked: the scan moves on by itself every
# half second, so a press sent after a separate check (or a screenshot) could land on the next item.
# With ``target``'s row highlighted (and more than one item in it) the press goes into the row; with
# ``target`` itself highlighted, or alone in its row, the press chooses it.
SWITCH_ON_TARGET_JS = """
(id) => {
  const el = document.getElementById(id);
  const state = el && el.getAttribute('data-scan');
  if (!state) return false;
  const rowSize = document.querySelectorAll('[data-scan=row]').length;
  const choosing = state === 'item' || rowSize === 1;
  if (choosing) window.__accessMark = el;
  window.dispatchEvent(new KeyboardEvent('keydown', {key: ' ', code: 'Space', bubbles: true, cancelable: true}));
  return choosing ? 'chose' : 'entered';
}
"""


def _switch_to(page: Page, target: str, shoot: bool) -> int:
    """Press the switch whenever scanning reaches ``target`` until it is chosen; the presses it took.
    Polled from here with ``evaluate`` (each check and press one call), not ``wait_for_function``, whose
    answer can be lost when the press starts a new page."""
    presses = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = page.evaluate(SWITCH_ON_TARGET_JS, target)
        if not done:
            page.wait_for_timeout(40)
            continue
        presses += 1
        if done == "chose":
            return presses
        if shoot and presses == 1:
            screenshot(page, "access-scanning-item", full_page=False)
    raise AssertionError(f"scanning never reached #{target} on {page.url}")


def test_a_whole_entry_with_one_switch_scanning_alone(tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {"scan_mode": "one-switch"}, seconds=0.5)
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    expect(page.locator("html")).to_have_class(re.compile(r"\bscan-on\b"))
    page.keyboard.press("Space")  # the first press starts scanning
    presses, log, shot = 1, [], False
    for _ in range(MOST_PAGES):
        if SENT.search(page.url):
            break
        target = page.evaluate(NEXT_TARGET_JS)
        assert target, f"nothing to choose on {page.url}"
        state, row_size = _highlighted(page, target)
        take = not shot and state == "row" and row_size > 1
        if take:
            screenshot(page, "access-scanning-row", full_page=False)
            shot = True
        presses += _switch_to(page, target, shoot=take)
        log.append(target)
        _wait_for_change(page, target)
    expect(page).to_have_url(SENT)
    print(f"\none switch: {presses} switch presses from home to sent: " + ", ".join(log))


def test_two_switch_scanning_moves_on_a_key_and_says_each_row(tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {"scan_mode": "two-switch", "scan_speaks": "on"})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    assert page.locator("[data-scan]").count() == 0
    page.keyboard.press("Tab")
    first = page.locator("[data-scan=row]")
    expect(first.first).to_be_visible()
    names = first.evaluate_all("(all) => all.map((el) => el.id)")
    page.wait_for_timeout(1500)  # two switches: nothing moves by itself
    assert first.evaluate_all("(all) => all.map((el) => el.id)") == names
    said = page.evaluate("() => document.body.getAttribute('data-access-said')")
    assert said, "the highlighted row was not read out"
    frame = page.locator(".scan-frame")
    expect(frame).to_be_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.scan-frame')).borderTopWidth") == "6px"
    page.keyboard.press("Tab")
    assert first.evaluate_all("(all) => all.map((el) => el.id)") != names
    check_accessible(page, "access-two-switch-row")


def test_hear_before_choose_reads_first_and_chooses_on_the_second_tap(
        tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {"hear_first": "on"})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    page.locator("#add-experience").tap()
    expect(page.locator("#add-experience")).to_have_attribute("data-heard", "true")
    expect(page).to_have_url(path_is("/me/"))
    page.locator("#add-experience").tap()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/\w+$"))
    page.goto(re.sub(r"/steps/\w+$", "/steps/kind", page.url))
    first, second = page.locator("main .symbol-choice[name=choose]").nth(0), page.locator("main .symbol-choice[name=choose]").nth(1)
    first.tap()
    expect(first).to_have_attribute("data-heard", "true")
    expect(first).to_have_attribute("aria-pressed", "false")
    words = first.locator(".choice-text").inner_text().strip()
    assert page.evaluate("() => document.body.getAttribute('data-access-said')") == words
    second.tap()  # another choice is read instead, and the first is no longer marked
    expect(second).to_have_attribute("data-heard", "true")
    expect(first).not_to_have_attribute("data-heard", "true")
    first_id = first.get_attribute("id")
    kind_url = page.url
    page.locator(f"#{first_id}").tap()
    expect(page.locator(f"#{first_id}")).to_have_attribute("data-heard", "true")
    page.locator(f"#{first_id}").tap()
    # Chosen: the step moves on by itself, or shows the choice pressed.
    page.wait_for_function(
        "([id, was]) => location.href !== was || document.getElementById(id).getAttribute('aria-pressed') === 'true'",
        arg=[first_id, kind_url])


def test_symbols_only_hides_the_words_but_keeps_every_name(tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {"symbol_mode": "symbols-only"})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    expect(page.locator("html")).to_have_class(re.compile(r"\bwords-off\b"))
    add = page.get_by_role("button", name="Add what I did", exact=True)
    expect(add).to_be_visible()
    width = page.locator("#add-experience .button-text").evaluate("(el) => el.getBoundingClientRect().width")
    assert width <= 1, "the words still show in symbols-only"
    page.locator("#add-experience").click()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/\w+$"))
    for choice in page.locator("main .symbol-choice").all()[:3]:
        assert choice.evaluate("(el) => el.querySelector('.choice-text').textContent.trim().length > 0")
    no_overflow(page, words_shown=False)
    check_accessible(page, "access-symbols-only-step")


def test_a_change_reaches_a_page_already_open_and_the_tablet_keeps_a_copy(
        tablet: BrowserContext, live_server: LiveServer) -> None:
    learner = make_learner(live_server, {})
    page = tablet.new_page()
    learner_card_sign_in(page, learner)
    served = page.locator("html").get_attribute("data-access")
    assert served and page.evaluate("() => localStorage.getItem('mns-access')") == served
    page.locator("#add-experience").click()
    expect(page).to_have_url(re.compile(r"/experiences/\d+/steps/\w+$"))
    page.goto(re.sub(r"/steps/\w+$", "/steps/did", page.url))
    expect(page.locator("html")).not_to_have_class(re.compile(r"\btext-extra-large\b"))
    with live_server.app.app_context():  # a TA changes the settings while the page is open
        dbs = db.session()
        found = dbs.scalar(select(User).where(User.display_name == learner["name"]))
        assert found is not None
        access.save_settings(dbs, found, {**PLAIN, "text_size": "extra-large", "high_contrast": "on"})
        dbs.commit()
    page.locator("main .symbol-choice[name=toggle]").first.click()  # the next answer from the server
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-extra-large\b.*\bcontrast-high\b"))
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('mns-access'))")
    assert stored["text_size"] == "extra-large" and stored["high_contrast"] is True


def test_a_ta_sets_access_from_the_learner_page(browser: Browser, playwright: Playwright, live_server: LiveServer,
                                                 adult_session_cookies: Any) -> None:
    learner = make_learner(live_server, {})
    with live_server.app.app_context():
        found = db.session().scalar(select(User).where(User.display_name == learner["name"]))
        assert found is not None
        learner_id = found.id
    ctx = ipad_context(browser, playwright, live_server.url)
    ctx.add_cookies(adult_session_cookies("Priya Shah"))
    try:
        page = ctx.new_page()
        page.goto(f"/staff/learners/{learner_id}")
        page.locator("#access-link").click()
        expect(page).to_have_url(path_is(f"/staff/learners/{learner_id}/access"))
        check_accessible(page, "access-staff-page")
        page.get_by_label("Extra large").check()
        page.get_by_label("Symbols only").check()
        page.get_by_label("One switch, moves by itself").check()
        page.get_by_label("1.5 seconds").check()
        page.get_by_label("Read each choice out first").check()
        page.locator("#save-access").click()
        expect(page.locator("#access-saved")).to_be_visible()
        expect(page.get_by_label("Extra large")).to_be_checked()
        check_accessible(page)
    finally:
        ctx.close()
    with live_server.app.app_context():
        found = db.session().scalar(select(User).where(User.display_name == learner["name"]))
        assert found is not None
        saved = access.settings_for(db.session(), found)
    assert (saved.text_size, saved.symbol_mode, saved.scan_mode, saved.scan_seconds, saved.hear_first) == (
        "extra-large", "symbols-only", "one-switch", 1.5, True)
