"""Every page each person can reach passes the structural page checks."""
from __future__ import annotations

import pytest
from flask import Flask

from portfolio.web import security
from tests.conftest import csrf_token, sign_in_as
from tests.factories import World
from tests.web.page_checks import check_page


def test_page_checker_catches_problems() -> None:
    bad = '<html lang="en"><h1>a</h1><h1>b</h1><img src="x"><input name="q" id="q"><p id="d"></p><p id="d"></p></html>'
    problems = " | ".join(check_page(bad))
    for expected in ("lang", "2 h1", "duplicate ids", "unlabelled control: q", "without alt", "skip link"):
        assert expected in problems


PAGES = {
    "anonymous": ["/", "/login", "/about", "/nope"],
    "learner": ["/me/", "/family/learners/{learner}"],
    "ta": ["/staff/", "/staff/learners/{learner}", "/staff/learners/{learner}/card", "/staff/tablet"],
    "parent": ["/family/", "/family/learners/{learner}"],
    "admin": ["/admin/", "/admin/people", "/admin/people?role=staff", "/admin/people/new", "/admin/people/{learner}",
              "/admin/people/{ta}", "/admin/people/{parent}", "/admin/groups", "/admin/groups/{group}",
              "/staff/", "/staff/learners/{other_learner}"],
    "other_school_admin": ["/admin/people/{learner}"],
}


@pytest.mark.parametrize("actor,path", [(a, p) for a, paths in PAGES.items() for p in paths])
def test_page_structure(app: Flask, world: World, actor: str, path: str) -> None:
    client = app.test_client()
    if actor != "anonymous":
        sign_in_as(client, getattr(world, actor))
    url = path.format(learner=world.learner.id, other_learner=world.other_learner.id, ta=world.ta.id,
                      parent=world.parent.id, group=world.group.id)
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert response.mimetype == "text/html"


def test_tablet_pages_and_picture_check(app: Flask, world: World) -> None:
    from tests.people.test_auth_routes import enrol_tablet

    client = app.test_client()
    enrol_tablet(app, client, world.ta)
    for path in ("/code", f"/card/{world.card_token}"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200


def test_printable_card_page(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    client.post(f"/staff/learners/{world.learner.id}/card", data={"csrf_token": csrf_token(client, "/staff/")})
    html = client.get(f"/staff/learners/{world.learner.id}/card").get_data(as_text=True)
    assert 'alt="QR code to sign in as Sam"' in html


def test_security_headers_on_every_response(client) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_style_or_hx_on_in_templates() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<style" not in text and " style=" not in text, template
        assert "hx-on" not in text and "onclick" not in text, template


def test_base_layout_configures_htmx_for_the_csp(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert '"defaultSettleDelay": 0' in html  # a quick second tap after a swap must not send the whole form
    assert '"historyCacheSize": 0' in html
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in html


def test_personal_pages_turn_off_htmx_history(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    assert 'data-hx-history="false"' in client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("status", sorted(security.ERROR_PAGES))
def test_error_pages_show_their_own_symbol_and_pass_the_page_checks(app: Flask, status: int) -> None:
    title, symbol_name, message = security.ERROR_PAGES[status]
    with app.test_request_context("/somewhere"):
        html, code = security.render_error(status)
    assert code == status and title in html and message in html
    heading = html.split('<h1 id="page-title">', 1)[1].split("</h1>", 1)[0]
    assert f"/static/symbols/{symbol_name}.svg" in heading, heading
