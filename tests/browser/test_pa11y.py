"""A second opinion on accessibility: pa11y with HTML_CodeSniffer (WCAG 2 AA), a different engine
from axe-core, over the pages each kind of person starts from, signed in as that person.

``tests/browser/pa11y_pages.js`` runs pa11y 9 over every page in one Debian Chromium; ``make test``
installs pa11y into ``.tools/`` (its own Chrome download switched off).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest
from sqlalchemy import select

from portfolio import db
from portfolio.models import User
from tests.factories import make_experience

from .conftest import CHROMIUM, ROOT, LiveServer, SessionCookies

TOOLS = ROOT / ".tools" / "node_modules"
RUNNER = ROOT / "tests" / "browser" / "pa11y_pages.js"
IPAD_VIEWPORT = {"width": 810, "height": 1080}
# HTML_CodeSniffer's H98 still reads an old HTML rule that allowed autocomplete="username" only on
# text inputs; the HTML standard has allowed it on type="email" since 2020, axe-core and the Nu
# checker accept it, and it is what lets a password manager pair the sign-in email with the password.
IGNORED = ["WCAG2AA.Principle1.Guideline1_3.1_3_5.H98"]


def _cookie_header(cookies: list[dict[str, Any]]) -> str:
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)


def _draft_for(live: LiveServer, name: str) -> int:
    """A new draft of this demo learner's, so the first entry step can be checked."""
    with live.app.app_context():
        dbs = db.session()
        learner = dbs.scalar(select(User).where(User.display_name == name))
        assert learner is not None
        entry = make_experience(dbs, learner, learner, kind=None, place="")
        dbs.commit()
        return entry.id


def test_pa11y_finds_nothing_on_the_pages_people_start_from(live_server: LiveServer,
                                                            adult_session_cookies: SessionCookies,
                                                            learner_session_cookies: SessionCookies) -> None:
    node = shutil.which("node")
    if node is None or not (TOOLS / "pa11y").exists():
        pytest.fail("pa11y is missing: `make test` installs pa11y@9.1.1 into .tools/", pytrace=False)
    leo = _cookie_header(learner_session_cookies("Leo Smith"))
    nina = _cookie_header(adult_session_cookies("Nina Patel"))
    priya = _cookie_header(adult_session_cookies("Priya Shah"))
    helen = _cookie_header(adult_session_cookies("Helen Carter"))
    draft = _draft_for(live_server, "Leo Smith")
    pages = [
        {"url": f"{live_server.url}/"},
        {"url": f"{live_server.url}/login"},
        {"url": f"{live_server.url}/offline"},
        {"url": f"{live_server.url}/offline/entry"},
        {"url": f"{live_server.url}/me/", "cookie": leo},
        {"url": f"{live_server.url}/experiences/{draft}/steps/kind", "cookie": leo},
        {"url": f"{live_server.url}/family/", "cookie": nina},
        {"url": f"{live_server.url}/staff/", "cookie": priya},
        {"url": f"{live_server.url}/careers/", "cookie": helen},
    ]
    request = {"chromium": str(CHROMIUM), "viewport": IPAD_VIEWPORT, "ignore": IGNORED, "pages": pages}
    run = subprocess.run([node, str(RUNNER)], input=json.dumps(request), capture_output=True, text=True, check=False,
                         timeout=300, env={**os.environ, "NODE_PATH": str(TOOLS), "PUPPETEER_SKIP_DOWNLOAD": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    found: dict[str, list[dict[str, Any]]] = json.loads(run.stdout)
    assert sorted(found) == sorted(page["url"] for page in pages), "pa11y did not report on every page"
    problems = [f"{url}: {issue['code']} {issue['selector']} -- {issue['message']}"
                for url, issues in found.items() for issue in issues]
    assert not problems, "pa11y (HTML_CodeSniffer, WCAG 2 AA) found:\n" + "\n".join(problems)
