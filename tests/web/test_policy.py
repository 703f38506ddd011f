"""The access matrix: every route × every kind of person, and the route-coverage check."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portfolio.web import policy
from tests.careers import policy_cases as careers_cases
from tests.cohort import policy_cases as cohort_cases
from tests.conftest import sign_in_as
from tests.employers import policy_cases as employers_cases
from tests.erasure import policy_cases as erasure_cases
from tests.experiences import draft_policy_cases
from tests.experiences import policy_cases as experiences_cases
from tests.factories import Entries, World
from tests.feedback import policy_cases as feedback_cases
from tests.homes import policy_cases as homes_cases
from tests.imports import policy_cases as imports_cases
from tests.jobs import policy_cases as jobs_cases
from tests.notices import policy_cases as notices_cases
from tests.offline import app_policy_cases as offline_app_cases
from tests.offline import policy_cases as offline_sync_cases
from tests.passport import policy_cases as passport_cases
from tests.people import access_policy_cases, password_policy_cases
from tests.people import policy_cases as people_cases
from tests.plans import policy_cases as plans_cases
from tests.portability import policy_cases as portability_cases
from tests.records import policy_cases as records_cases
from tests.reports import policy_cases as reports_cases
from tests.reviews import policy_cases as reviews_cases
from tests.sharing import policy_cases as sharing_cases
from tests.speech import policy_cases as speech_cases
from tests.stewardship import policy_cases as stewardship_cases
from tests.symbols import policy_cases as symbols_cases
from tests.web.page_checks import names_in_public_speech
from tests.web.policy_matrix import (
    ACTORS,
    Case,
    WorldWithEntries,
)

# Every name and school in the matrix's world: none may be spoken into the public audio folder.
PEOPLE_NAMES = ("Sam", "Patel", "Ruby", "Green", "Helen", "Carter", "Priya", "Shah", "Daniel", "Okafor", "Nina",
                "Chris", "Grace", "Lee", "Jade", "Brown", "Riverside", "Hillview")

# Each area keeps its own cases beside its tests; this list is the one place that gathers them.
AREA_MODULES = [people_cases, password_policy_cases, homes_cases, speech_cases, experiences_cases, draft_policy_cases,
                symbols_cases,
                passport_cases,
                sharing_cases, portability_cases, plans_cases, reviews_cases, employers_cases, careers_cases,
                feedback_cases, records_cases, imports_cases, cohort_cases, reports_cases, stewardship_cases,
                erasure_cases, jobs_cases, notices_cases, access_policy_cases,
                offline_app_cases, offline_sync_cases]
CASES = [case for module in AREA_MODULES for case in module.CASES]
# Each case is checked in a world with only its own area's extra objects made, which keeps every
# case as fast as the first one however many areas there are.
_AREA_OF = {id(case): module for module in AREA_MODULES for case in module.CASES}


def _area_objects(app: Flask, world: World, entries: Entries, case: Case) -> dict[str, Any]:
    module = _AREA_OF[id(case)]
    return module.setup(app, world, entries) if hasattr(module, "setup") else {}


def test_every_route_is_guarded_or_listed_public(app: Flask) -> None:
    unguarded, wrongly_public = [], []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        marker = getattr(view, "__policy__", None)
        if rule.endpoint == "static":
            continue
        if marker is None:
            unguarded.append(rule.endpoint)
        elif marker == "public" and rule.endpoint not in policy.PUBLIC_ENDPOINTS:
            wrongly_public.append(rule.endpoint)
        elif marker != "public" and marker not in policy.RULES:
            unguarded.append(rule.endpoint)
    assert unguarded == [], f"routes without a policy check: {unguarded}"
    assert wrongly_public == [], f"marked public but not in PUBLIC_ENDPOINTS: {wrongly_public}"
    listed_but_missing = policy.PUBLIC_ENDPOINTS - {r.endpoint for r in app.url_map.iter_rules()}
    assert listed_but_missing == set(), listed_but_missing


def test_matrix_covers_every_route_and_method(app: Flask) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), f"routes missing from the access matrix: {sorted(routes - covered)}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.endpoint}")
def test_access_matrix(app: Flask, world: World, entries: Entries, case: Case) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "1000 per minute"
    assert set(case.expected) == set(ACTORS)
    got = {}
    both = WorldWithEntries(world, entries, _area_objects(app, world, entries, case))
    for actor in ACTORS:
        client = app.test_client()
        if actor != "anonymous":
            with app.app_context():
                sign_in_as(client, getattr(world, actor))
        response = client.open(case.url(both), method=case.method, data=case.data(both))
        got[actor] = response.status_code
        assert response.status_code < 500
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            # Every page anyone reaches, refusals included, passes the page checks (the client does
            # that on every page) and speaks no one's name through the public audio folder.
            html = response.get_data(as_text=True)
            published = names_in_public_speech(app, html, PEOPLE_NAMES)
            assert published == [], f"{actor} {case.url(both)} publishes {published}"
    assert got == case.expected


def test_allows_matches_the_guard(app: Flask, world: World) -> None:
    """Templates use ``policy.allows`` to show buttons; it must agree with the route guard."""
    with app.app_context():
        from portfolio import db
        from portfolio.models import User

        session = db.session()
        learner = session.get(User, world.learner.id)
        assert policy.allows(session.get(User, world.ta.id), "learner.support", learner)
        assert not policy.allows(session.get(User, world.other_ta.id), "learner.support", learner)
        assert policy.allows(session.get(User, world.parent.id), "learner.view", learner)
        assert not policy.allows(session.get(User, world.other_parent.id), "learner.view", learner)
        assert not policy.allows(session.get(User, world.other_school_admin.id), "learner.view", learner)
        assert not policy.allows(None, "signed_in")
