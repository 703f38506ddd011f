"""The staff access page, and the learner's pages that carry the settings (classes, data-access, header)."""
from __future__ import annotations

import json
import re

from flask import Flask

from portfolio import db
from portfolio.models import AccessSetting, User
from tests.conftest import csrf_token, sign_in_as
from tests.factories import World

SETTINGS = {"text_size": "extra-large", "symbol_mode": "symbols-only", "high_contrast": "on",
            "scan_mode": "one-switch", "scan_seconds": "3.0", "scan_speaks": "on", "hear_first": "on"}


def _access_attribute(html: str) -> dict[str, object]:
    found = re.search(r'<html[^>]* data-access="([^"]+)"', html)
    assert found, "no data-access on <html>"
    return json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"'))


def test_the_staff_learner_page_links_to_the_access_page(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    html = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert f'href="/staff/learners/{world.learner.id}/access"' in html
    page = client.get(f"/staff/learners/{world.learner.id}/access")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Access settings for Sam Patel" in body and 'value="off" checked' in body


def test_saved_settings_reach_the_learner_on_their_next_page_and_answer(app: Flask, world: World) -> None:
    staff, learner = app.test_client(), app.test_client()
    sign_in_as(staff, world.ta)
    sign_in_as(learner, world.learner)
    before = learner.get("/me/")
    assert _access_attribute(before.get_data(as_text=True))["scan_mode"] == "off"
    saved = staff.post(f"/staff/learners/{world.learner.id}/access",
                       data={**SETTINGS, "csrf_token": csrf_token(staff, "/staff/")})
    assert saved.status_code == 200 and "Saved. Sam gets these on the next page." in saved.get_data(as_text=True)
    # Staff pages never carry a learner's settings.
    assert "X-Access-Settings" not in saved.headers and "data-access=" not in saved.get_data(as_text=True)
    after = learner.get("/me/")
    html = after.get_data(as_text=True)
    assert 'class="page-learner text-extra-large contrast-high words-off scan-on hear-first"' in html
    assert _access_attribute(html) == {"text_size": "extra-large", "symbol_mode": "symbols-only", "high_contrast": True,
                                       "scan_mode": "one-switch", "scan_seconds": 3.0, "scan_speaks": True,
                                       "hear_first": True}
    # Every answer to the learner (an htmx fragment too) carries them, for a page that is already open.
    assert json.loads(after.headers["X-Access-Settings"])["scan_mode"] == "one-switch"


def test_a_refused_value_is_a_kind_400_and_changes_nothing(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.admin)
    response = client.post(f"/staff/learners/{world.learner.id}/access",
                           data={**SETTINGS, "scan_seconds": "0", "csrf_token": csrf_token(client, "/staff/")})
    assert response.status_code == 400
    assert "Choose one of the options shown for scan speed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().query(AccessSetting).count() == 0
        learner = db.session().get(User, world.learner.id)
        assert learner is not None and learner.text_size == "normal"


def test_saving_needs_the_csrf_token(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.post(f"/staff/learners/{world.learner.id}/access", data=SETTINGS)
    assert response.status_code == 400
    with app.app_context():
        assert db.session().query(AccessSetting).count() == 0


def test_learner_choices_are_one_tab_stop_each(app: Flask, world: World, entries: object) -> None:
    client = app.test_client()
    sign_in_as(client, world.learner)
    draft = entries.draft  # type: ignore[attr-defined]
    html = client.get(f"/experiences/{draft.id}/steps/kind").get_data(as_text=True)
    tiles = re.findall(r'<span class="choice-tile">(.*?)</span>\s*(?=<span class="choice-tile">|</div>)', html, re.DOTALL)
    assert len(tiles) >= 5
    for tile in tiles:
        assert 'class="hear hear-learner"' in tile and 'tabindex="-1"' in tile
