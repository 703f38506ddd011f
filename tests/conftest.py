"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, plus a ready-made world."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio import create_app, db, migrate
from portfolio.media.storage import media_store
from portfolio.models import User
from portfolio.people import sessions as auth_session
from tests.factories import FAST_HASH, PASSWORD, Entries, World, make_entries, make_world
from tests.web.page_checks import PageCheckingClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "SPEECH_CACHE_DIR": str(tmp_path / "speech"),
        "INTERFACE_AUDIO_DIR": str(tmp_path / "audio"),
    })
    app.test_client_class = PageCheckingClient
    migrate.upgrade(app)
    yield app
    engine = app.extensions.get("speech")
    if engine is not None:
        engine.shutdown()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        return make_world(db.session())


@pytest.fixture
def entries(app: Flask, world: World) -> Entries:
    """The world's learner with a draft, a waiting and a shared entry (photo, voice, a comment)."""
    with app.app_context():
        return make_entries(db.session(), world, media_store(), (FIXTURES / "photo_small.png").read_bytes(),
                            (FIXTURES / "voice_chrome.webm").read_bytes())


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    """Most route tests exercise behaviour, not CSRF; the CSRF tests keep it on."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in_as(client: FlaskClient, user: User, *, via_form: bool = False) -> None:
    """Sign in. ``via_form`` goes through the real login form (rate-limited, so used sparingly);
    otherwise the session is set up the way ``auth_session.sign_in`` leaves it."""
    if via_form:
        token = csrf_token(client)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return
    with client.application.app_context():
        token = auth_session.start_sign_in(db.session(), user, "test")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session[auth_session.SIGN_IN_KEY] = token
        session["_fresh"] = True
        session["last_seen"] = time.time()
