"""The access matrix: every route × every kind of person, and the route-coverage check."""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from flask import Flask

import tests
from portfolio import policy
from tests.conftest import sign_in_as
from tests.factories import Entries, World
from tests.page_checks import check_page, names_in_public_speech
from tests.policy_matrix import (
    ACTORS, ADMIN_ONLY, EDIT, STAFF_ONLY, SUPPORT, VIEW_SHARED, Case, WorldWithEntries, edit, everyone, support,
)

CASES = [
    Case("auth.welcome", "GET", lambda w: "/", everyone(302, anonymous=200)),
    Case("auth.login", "GET", lambda w: "/login", everyone(200)),
    Case("auth.login", "POST", lambda w: "/login", everyone(401), lambda w: {"email": "x@example.org", "password": "no"}),
    Case("auth.code", "POST", lambda w: "/code", everyone(403), lambda w: {"code": w.card_code}),
    Case("auth.card_check", "POST", lambda w: "/card/check", everyone(403), lambda w: {"picture": "dog"}),
    Case("auth.logout", "POST", lambda w: "/logout", everyone(302)),
    Case("auth.card", "GET", lambda w: f"/card/{w.card_token}", everyone(403)),  # no school tablet
    Case("auth.code", "GET", lambda w: "/code", everyone(403)),
    Case("auth.card_check", "GET", lambda w: "/card/check", everyone(403)),
    Case("main.about", "GET", lambda w: "/about", everyone(200)),
    Case("main.health", "GET", lambda w: "/health", everyone(200)),
    Case("speech.interface", "GET", lambda w: "/speech/ui/forged-token", everyone(404)),
    Case("speech.private", "GET", lambda w: "/speech/private/forged-token", everyone(404, anonymous=302)),
    Case("speech.tap", "GET", lambda w: "/speech/tap?t=Oak%20class", everyone(200, anonymous=302)),
    Case("learner.home", "GET", lambda w: "/me/", everyone(403, anonymous=302, learner=200, other_learner=200)),
    Case("staff.home", "GET", lambda w: "/staff/", STAFF_ONLY),
    Case("staff.tablet", "GET", lambda w: "/staff/tablet", STAFF_ONLY),
    Case("staff.tablet", "POST", lambda w: "/staff/tablet", support(302) | {"other_ta": 302, "other_school_admin": 302}),
    Case("staff.learner", "GET", lambda w: f"/staff/learners/{w.learner.id}", SUPPORT),
    Case("staff.settings", "POST", lambda w: f"/staff/learners/{w.learner.id}/settings", SUPPORT,
         lambda w: {"text_size": "large", "symbol_mode": "text-only", "high_contrast": "on"}),
    Case("staff.issue_card", "POST", lambda w: f"/staff/learners/{w.learner.id}/card", support(302)),
    Case("staff.print_card", "GET", lambda w: f"/staff/learners/{w.learner.id}/card", SUPPORT),
    Case("staff.revoke_card", "POST", lambda w: f"/staff/learners/{w.learner.id}/card/revoke", support(302)),
    Case("staff.handover", "POST", lambda w: f"/staff/learners/{w.learner.id}/handover", support(302)),
    Case("family.home", "GET", lambda w: "/family/", everyone(403, anonymous=302, parent=200, other_parent=200)),
    Case("family.child", "GET", lambda w: f"/family/learners/{w.learner.id}",
         everyone(403, anonymous=302, learner=200, ta=200, parent=200, admin=200, other_school_admin=404)),
    Case("admin.home", "GET", lambda w: "/admin/", ADMIN_ONLY),
    Case("admin.people", "GET", lambda w: "/admin/people", ADMIN_ONLY),
    Case("admin.new_person", "GET", lambda w: "/admin/people/new", ADMIN_ONLY),
    Case("admin.new_person", "POST", lambda w: "/admin/people/new",
         {k: (422 if v == 200 else v) for k, v in ADMIN_ONLY.items()}, lambda w: {"role": "learner"}),
    Case("admin.person", "GET", lambda w: f"/admin/people/{w.learner.id}",
         everyone(403, anonymous=302, admin=200, other_school_admin=404)),
    Case("admin.person", "POST", lambda w: f"/admin/people/{w.learner.id}",
         everyone(403, anonymous=302, admin=302, other_school_admin=404),
         lambda w: {"display_name": "Sam Patel", "group_id": str(w.group.id), "active": "on"}),
    Case("admin.groups", "GET", lambda w: "/admin/groups", ADMIN_ONLY),
    Case("admin.groups", "POST", lambda w: "/admin/groups",
         {k: (422 if v == 200 else v) for k, v in ADMIN_ONLY.items()}, lambda w: {"name": ""}),
    Case("admin.group", "GET", lambda w: f"/admin/groups/{w.group.id}",
         everyone(403, anonymous=302, admin=200, other_school_admin=404)),
    # Experiences. ``w.draft``, ``w.waiting`` and ``w.shared`` belong to the world's learner.
    Case("experiences.start", "POST", lambda w: f"/experiences/start/{w.learner.id}",
         everyone(403, anonymous=302, learner=302, ta=302, admin=302, other_school_admin=404)),
    Case("experiences.carry_on", "GET", lambda w: "/experiences/continue",
         everyone(403, anonymous=302, learner=302, other_learner=302)),
    Case("experiences.step", "GET", lambda w: f"/experiences/{w.draft.id}/steps/kind", EDIT),
    Case("experiences.step", "POST", lambda w: f"/experiences/{w.draft.id}/steps/kind", edit(302),
         lambda w: {"choose": "visit"}),
    Case("experiences.add_photos", "POST", lambda w: f"/experiences/{w.draft.id}/photos", edit(400)),
    Case("experiences.change_photo", "POST", lambda w: f"/experiences/{w.shared.id}/photos/{w.photo_id}",
         support(302), lambda w: {"action": "down"}),
    Case("experiences.add_voice", "POST", lambda w: f"/experiences/{w.draft.id}/voice", edit(400)),
    Case("experiences.remove_voice", "POST", lambda w: f"/experiences/{w.draft.id}/voice/remove", edit(302)),
    Case("experiences.send", "POST", lambda w: f"/experiences/{w.draft.id}/send", edit(302)),
    Case("experiences.sent", "GET", lambda w: f"/experiences/{w.waiting.id}/sent", EDIT),
    Case("experiences.show", "GET", lambda w: f"/experiences/{w.shared.id}", VIEW_SHARED),
    Case("experiences.show", "GET", lambda w: f"/experiences/{w.waiting.id}", EDIT),
    Case("experiences.photo", "GET", lambda w: f"/experiences/{w.shared.id}/photos/{w.photo_id}/thumb", VIEW_SHARED),
    Case("experiences.voice", "GET", lambda w: f"/experiences/{w.shared.id}/voice", VIEW_SHARED),
    Case("experiences.comment_voice", "GET",
         lambda w: f"/experiences/{w.shared.id}/comments/{w.comment_id}/voice", VIEW_SHARED),
    Case("experiences.edit", "GET", lambda w: f"/experiences/{w.draft.id}/edit", SUPPORT),
    Case("experiences.details", "POST", lambda w: f"/experiences/{w.draft.id}/details", support(302),
         lambda w: {"help_level": "prompts", "staff_note": "Needed help with the till."}),
    Case("experiences.check", "POST", lambda w: f"/experiences/{w.waiting.id}/check", support(302),
         lambda w: {"decision": "send-back", "note": "photos"}),
    Case("experiences.caption_symbol", "GET", lambda w: f"/experiences/{w.shared.id}/caption-symbol?word=plants",
         SUPPORT),
    Case("experiences.caption_symbol", "POST", lambda w: f"/experiences/{w.shared.id}/caption-symbol", support(302),
         lambda w: {"word": "plants", "symbol": "none"}),
    Case("experiences.add_comment", "POST", lambda w: f"/experiences/{w.shared.id}/comments",
         everyone(403, anonymous=302, parent=302), lambda w: {"text": "Lovely photo"}),
    Case("experiences.pass_on", "POST", lambda w: f"/experiences/{w.shared.id}/comments/{w.comment_id}/pass-on",
         support(302)),
    Case("staff.to_check", "GET", lambda w: "/staff/to-check", STAFF_ONLY),
    Case("symbols.manage", "GET", lambda w: "/symbols/", STAFF_ONLY),
    Case("symbols.manage", "POST", lambda w: "/symbols/",
         {k: (400 if v == 200 else v) for k, v in STAFF_ONLY.items()}, lambda w: {"word": "kitchen"}),
    Case("symbols.image", "GET", lambda w: f"/symbols/{w.school_symbol_id}/image",
         everyone(200, anonymous=302, other_school_admin=404)),
    # The first member of staff takes the symbol away, so everyone after finds nothing there.
    Case("symbols.remove", "POST", lambda w: f"/symbols/{w.school_symbol_id}/remove",
         everyone(403, anonymous=302, ta=302, other_ta=404, admin=404, other_school_admin=404)),
]


# Every name and school in the matrix's world: none may be spoken into the public audio folder.
PEOPLE_NAMES = ("Sam", "Patel", "Ruby", "Green", "Helen", "Carter", "Priya", "Shah", "Daniel", "Okafor", "Nina",
                "Chris", "Grace", "Lee", "Jade", "Brown", "Riverside", "Hillview")

AREA_MODULES = [
    importlib.import_module(f"tests.{info.name}")
    for info in pkgutil.iter_modules(tests.__path__)
    if info.name.startswith("policy_cases_")
]
CASES += [case for module in AREA_MODULES for case in module.CASES]


def _area_objects(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for module in AREA_MODULES:
        if hasattr(module, "setup"):
            extra.update(module.setup(app, world, entries))
    return extra


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
    assert set(case.expected) == set(ACTORS)
    got = {}
    both = WorldWithEntries(world, entries, _area_objects(app, world, entries))
    for actor in ACTORS:
        client = app.test_client()
        if actor != "anonymous":
            with app.app_context():
                sign_in_as(client, getattr(world, actor))
        response = client.open(case.url(both), method=case.method, data=case.data(both))
        got[actor] = response.status_code
        assert response.status_code < 500
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            # Every page anyone reaches, refusals included, passes the page checks and speaks
            # no one's name through the public audio folder.
            html = response.get_data(as_text=True)
            assert check_page(html) == [], f"{actor} {case.method} {case.url(both)}: {check_page(html)}"
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
