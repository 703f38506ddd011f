"""Staff pages: display settings (page and htmx fragment), tablets."""
from __future__ import annotations

from flask import Flask

from portfolio import db
from portfolio.models import User
from tests.conftest import csrf_token, sign_in_as
from tests.factories import World

SETTINGS = {"text_size": "extra-large", "symbol_mode": "text-only", "high_contrast": "on"}


def test_settings_fragment_for_htmx_and_page_without(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    url = f"/staff/learners/{world.learner.id}/settings"
    token = csrf_token(client, "/staff/")
    fragment = client.post(url, data=SETTINGS, headers={"HX-Request": "true", "HX-Target": "display-settings",
                                                        "X-CSRFToken": token})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<section id="display-settings"')
    assert "Saved. Sam sees this now." in body
    assert "HX-Target" in fragment.headers["Vary"]
    full = client.post(url, data={**SETTINGS, "csrf_token": token})
    assert "<html" in full.get_data(as_text=True)
    # Another target (or a boosted whole page) never gets a bare fragment.
    other = client.post(url, data=SETTINGS, headers={"HX-Request": "true", "HX-Target": "main", "X-CSRFToken": token})
    assert "<html" in other.get_data(as_text=True)


def test_settings_apply_to_the_learner_at_once(app: Flask, world: World) -> None:
    staff_client, learner_client = app.test_client(), app.test_client()
    sign_in_as(staff_client, world.ta)
    sign_in_as(learner_client, world.learner)
    assert 'class="page-learner"' in learner_client.get("/me/").get_data(as_text=True)
    staff_client.post(f"/staff/learners/{world.learner.id}/settings",
                      data={**SETTINGS, "csrf_token": csrf_token(staff_client, "/staff/")})
    html = learner_client.get("/me/").get_data(as_text=True)
    assert 'class="page-learner text-extra-large contrast-high symbols-off"' in html


def test_unknown_setting_values_are_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.post(f"/staff/learners/{world.learner.id}/settings",
                           data={"text_size": "<script>", "symbol_mode": "text-only",
                                 "csrf_token": csrf_token(client, "/staff/")})
    assert response.status_code == 400 and "Choose one of the options shown." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().get(User, world.learner.id).text_size == "normal"


def test_htmx_post_without_csrf_header_is_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.post(f"/staff/learners/{world.learner.id}/settings", data=SETTINGS,
                           headers={"HX-Request": "true", "HX-Target": "display-settings"})
    assert response.status_code == 400


def test_staff_home_lists_only_their_groups_learners(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    html = client.get("/staff/").get_data(as_text=True)
    assert "Sam Patel" in html and "Ruby Green" not in html


def test_tablet_can_be_enrolled_and_forgotten(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    token = csrf_token(client, "/staff/tablet")
    client.post("/staff/tablet", data={"action": "enrol", "name": "Oak iPad", "csrf_token": token})
    page = client.get("/staff/tablet").get_data(as_text=True)
    assert "This tablet is set up for card sign-in" in page and "Oak iPad" in page
    client.post("/staff/tablet", data={"action": "forget", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    assert client.get(f"/card/{world.card_token}").status_code == 403
