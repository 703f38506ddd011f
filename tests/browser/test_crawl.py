"""Every page the demo can reach by following links, for each kind of person, passes axe-core
(WCAG 2.2 A/AA) and the tap-target sizes.

``test_accessibility`` checks hand-made states (half-filled steps, error messages, drafts);
this walk makes sure no page reachable from a home page is left out of the checks. Each
role starts at its home page and follows every same-site link breadth-first. Pages that
differ only by an id (another learner, another entry) are checked once.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .conftest import (
    LEARNER_TARGET_PX,
    LEARNER_TARGETS,
    STANDARD_TARGET_PX,
    STANDARD_TARGETS,
    Row,
    SessionCookies,
    axe_check,
    person,
    small_targets,
)

# Links that are files, not pages, or that leave the signed-in area on purpose.
NOT_PAGES = re.compile(r"(/photos/|/voice|/image|/media/|/audio|\.pdf|\.csv|/pdf|/export|/download|/static/|/speech/)")
MAX_PAGES_PER_ROLE = 90


def _shape(link: str) -> str:
    """A page's shape: the same route with another id, or another value in its query
    (another symbol category, another caption word), is the same page to check."""
    parts = urlsplit(link)
    keys = sorted(pair.split("=", 1)[0] for pair in parts.query.split("&") if pair)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def _links(page: Page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href]'))
            .filter((a) => !a.hasAttribute('download') && a.origin === location.origin)
            .map((a) => a.pathname + a.search)"""
    )


def _check(page: Page) -> list[str]:
    """axe-core and target sizes on the page as loaded; returns the target-size problems."""
    axe_check(page)
    learner_page = page.evaluate("() => document.documentElement.classList.contains('page-learner')")
    selector, minimum = (LEARNER_TARGETS, LEARNER_TARGET_PX) if learner_page else (STANDARD_TARGETS, STANDARD_TARGET_PX)
    return [f"{page.url}: {small}" for small in small_targets(page, selector, minimum)]


def _crawl(page: Page, start: str) -> list[str]:
    queue: list[str] = [start]
    seen: set[str] = set()
    checked: list[str] = []
    small: list[str] = []
    while queue:
        assert len(checked) < MAX_PAGES_PER_ROLE, f"more than {MAX_PAGES_PER_ROLE} kinds of page from {start}: {checked}"
        path = queue.pop(0)
        if _shape(path) in seen or NOT_PAGES.search(path):
            continue
        seen.add(_shape(path))
        response = page.goto(path)
        assert response is not None and response.status < 500, f"{path} gave {response and response.status}"
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("load")
        small += _check(page)
        checked.append(path)
        queue += [link for link in _links(page) if _shape(link) not in seen]
    assert not small, "targets too small:\n  " + "\n  ".join(small)
    return checked


@pytest.mark.parametrize("name", ["Helen Carter", "Priya Shah", "Nina Patel"])
def test_every_page_an_adult_can_reach_passes_axe(page: Page, demo_rows: list[Row],
                                                  adult_session_cookies: SessionCookies, name: str) -> None:
    page.context.add_cookies(adult_session_cookies(name))  # type: ignore[arg-type]
    home = {"admin": "/staff/", "staff": "/staff/", "parent": "/family/"}[person(demo_rows, name)["role"]]
    checked = _crawl(page, home)
    assert len(checked) >= 3, checked


def test_every_page_a_learner_can_reach_passes_axe(page: Page, learner_session_cookies: SessionCookies) -> None:
    page.context.add_cookies(learner_session_cookies("Sam Patel"))  # type: ignore[arg-type]
    checked = _crawl(page, "/me/")
    assert len(checked) >= 3, checked


def test_every_page_anyone_can_reach_without_signing_in_passes_axe(page: Page) -> None:
    checked = _crawl(page, "/")
    assert "/login" in checked and "/about" in checked, checked
