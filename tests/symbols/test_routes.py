"""Symbols found beyond the vocabulary are served from the installed OpenMoji, and can be chosen."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.models import Experience
from portfolio.symbols import openmoji
from portfolio.web.static_files import IMMUTABLE, REVALIDATE
from tests.conftest import sign_in_as
from tests.factories import Entries, World


def _as(app: Flask, user) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def test_an_openmoji_drawing_is_public_and_kept_a_year(client: FlaskClient) -> None:
    response = client.get(f"/symbols/openmoji/1FAA0.svg?v={openmoji.version()}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data() == (openmoji.svg_folder() / "1FAA0.svg").read_bytes()
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    # Without the version (an old page, a typed link) it is checked every time.
    assert client.get("/symbols/openmoji/1FAA0.svg").headers["Cache-Control"] == REVALIDATE
    assert client.get("/symbols/openmoji/1FAA0.svg?v=1.0").headers["Cache-Control"] == REVALIDATE


def test_only_named_drawings_are_served(client: FlaskClient) -> None:
    for stem in ("E000", "1F44D-1F3FB", "1faa0", "..%2F..%2Fetc%2Fpasswd", "LICENSE", "1FAA0.svg"):
        assert client.get(f"/symbols/openmoji/{stem}.svg").status_code == 404, stem


def test_staff_can_choose_any_openmoji_drawing_for_a_caption_word(no_csrf: Flask, world: World,
                                                                 entries: Entries) -> None:
    ta = _as(no_csrf, world.ta)
    picker = ta.get(f"/experiences/{entries.shared.id}/caption-symbol?word=plants&q=fire+engine")
    html = picker.get_data(as_text=True)
    assert picker.status_code == 200 and 'value="openmoji:1F692"' in html
    assert f'src="/symbols/openmoji/1F692.svg?v={openmoji.version()}"' in html
    assert ta.post(f"/experiences/{entries.shared.id}/caption-symbol",
                   data={"word": "plants", "symbol": "openmoji:1F692"}).status_code == 302
    with no_csrf.app_context():
        assert db.session().get(Experience, entries.shared.id).caption_symbols["plants"] == "openmoji:1F692"
    page = _as(no_csrf, world.learner).get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    caption = re.search(r'<p class="caption".*?</p>', page, re.DOTALL)
    assert caption and "/symbols/openmoji/1F692.svg" in caption.group(0)
    refused = ta.post(f"/experiences/{entries.shared.id}/caption-symbol",
                      data={"word": "plants", "symbol": "openmoji:E000"})
    assert refused.status_code == 400


def test_the_picker_lists_the_schools_own_symbol_first(no_csrf: Flask, world: World, entries: Entries) -> None:
    html = _as(no_csrf, world.ta).get(
        f"/experiences/{entries.shared.id}/caption-symbol?word=kitchen&q=kitchen").get_data(as_text=True)
    values = re.findall(r'name="symbol" value="([^"]+)"', html)
    assert values[:2] == [f"school:{entries.school_symbol_id}", "kitchen"]
    assert f'src="/symbols/{entries.school_symbol_id}/image"' in html
