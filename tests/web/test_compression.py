"""Pages, CSS, JavaScript and SVG go out compressed when the browser asks; media and ranges never do."""
from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import sign_in_as
from tests.factories import Entries, World

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"


@pytest.fixture
def raw(app: Flask) -> Iterator[FlaskClient]:
    """A plain client: the page-checking one would try to read compressed bytes as HTML."""
    yield FlaskClient(app, app.response_class, use_cookies=True)


def _static_url(app: Flask, filename: str) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for("static", filename=filename)


def _vary(response) -> list[str]:
    return [part.strip().lower() for part in response.headers.get("Vary", "").split(",")]


def test_a_page_is_sent_with_brotli_when_asked(app: Flask, raw: FlaskClient) -> None:
    plain = raw.get("/")
    packed = raw.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "br"
    html = brotli.decompress(packed.get_data()).decode()
    assert "<!doctype html>" in html[:100] and "<h1" in html
    assert len(packed.get_data()) * 2 < len(html)
    assert "accept-encoding" in _vary(plain) and "accept-encoding" in _vary(packed)


def test_gzip_for_a_browser_without_brotli(raw: FlaskClient) -> None:
    response = raw.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<h1" in gzip.decompress(response.get_data())


def test_personal_pages_stay_no_store_when_compressed(app: Flask, raw: FlaskClient, world: World) -> None:
    sign_in_as(raw, world.learner)
    response = raw.get("/me/", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "no-store"
    assert world.learner.display_name in brotli.decompress(response.get_data()).decode()


@pytest.mark.parametrize("filename", ["css/app.css", "js/app.js", "vendor/htmx-2.0.11.min.js", "symbols/home.svg"])
def test_static_text_is_compressed_to_the_same_bytes(app: Flask, raw: FlaskClient, filename: str) -> None:
    response = raw.get(_static_url(app, filename), headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == (STATIC / filename).read_bytes()
    assert "accept-encoding" in _vary(response) and "cookie" not in _vary(response)


def test_a_compressed_static_file_can_be_revalidated(app: Flask, raw: FlaskClient) -> None:
    url = "/static/css/app.css"  # no version: the browser must check it each time
    first = raw.get(url, headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    again = raw.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_a_range_of_a_stylesheet_is_sent_uncompressed(app: Flask, raw: FlaskClient) -> None:
    response = raw.get(_static_url(app, "css/app.css"), headers={"Accept-Encoding": "br", "Range": "bytes=10-59"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()[10:60]


def test_photos_and_voice_are_left_alone_and_private(app: Flask, raw: FlaskClient, world: World,
                                                     entries: Entries) -> None:
    sign_in_as(raw, world.learner)
    entry = entries.shared.id
    photo = raw.get(f"/experiences/{entry}/photos/{entries.photo_id}/display", headers={"Accept-Encoding": "br, gzip"})
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert "Content-Encoding" not in photo.headers
    assert photo.get_data()[:2] == b"\xff\xd8"
    assert photo.headers["Cache-Control"].startswith("private")
    voice = raw.get(f"/experiences/{entry}/voice", headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"})
    assert voice.status_code == 206 and voice.headers["Content-Range"].startswith("bytes 0-99/")
    assert "Content-Encoding" not in voice.headers and len(voice.get_data()) == 100
    assert voice.headers["Cache-Control"].startswith("private")


def test_small_answers_are_not_worth_compressing(raw: FlaskClient) -> None:
    response = raw.get("/health", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "Content-Encoding" not in response.headers


def test_a_new_entry_shows_at_once(app: Flask, raw: FlaskClient, world: World) -> None:
    """Nothing keeps a copy of a personal page: the next visit shows what was just added."""
    from portfolio import db
    from portfolio.models import ExperienceStatus, User
    from tests.factories import make_experience

    sign_in_as(raw, world.learner)
    before = raw.get("/me/", headers={"Accept-Encoding": "br"})
    assert "Sunny Bakery" not in brotli.decompress(before.get_data()).decode()
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        make_experience(session, learner, learner, ExperienceStatus.DRAFT, place="Sunny Bakery")
        session.commit()
    after = raw.get("/me/", headers={"Accept-Encoding": "br", "If-None-Match": before.headers.get("ETag", "*")})
    assert after.status_code == 200 and after.headers["Cache-Control"] == "no-store"
    assert "Sunny Bakery" in brotli.decompress(after.get_data()).decode()
