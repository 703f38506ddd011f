"""Behind an HTTPS proxy: Secure cookies and HSTS, but only when the proxy is one we were told to trust."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio import create_app, migrate
from portfolio.web.https import HSTS
from tests.conftest import sign_in_as
from tests.factories import FAST_HASH, PASSWORD, World, make_world
from tests.web.page_checks import PageCheckingClient

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _app(tmp_path: Path, **settings: object) -> Flask:
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": FAST_HASH, "SPEECH_ENABLED": False, **settings,
    })
    app.test_client_class = PageCheckingClient
    migrate.upgrade(app)
    return app


def _world(app: Flask) -> World:
    from portfolio import db

    with app.app_context():
        world = make_world(db.session())
        db.session().commit()
        return world


def _sign_in_with_password(client: FlaskClient, world: World, headers: dict[str, str]) -> list[str]:
    """Post the real sign-in form and return the Set-Cookie lines of the answer."""
    page = client.get("/login", headers=headers)
    token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/login", headers=headers,
                         data={"email": world.ta.email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    return answer.headers.getlist("Set-Cookie")


def test_a_trusted_proxy_saying_https_gives_secure_cookies_and_hsts(tmp_path: Path) -> None:
    app = _app(tmp_path, TRUSTED_PROXY_COUNT=1)
    world = _world(app)
    client = app.test_client()
    login_page = client.get("/login", headers=FORWARDED_HTTPS)
    assert login_page.headers["Strict-Transport-Security"] == HSTS == "max-age=31536000; includeSubDomains"
    # The sign-in page's session cookie carries the CSRF token: Secure, so the client (on plain
    # http://localhost behind the pretend proxy) rightly keeps it to itself.
    cookies = login_page.headers.getlist("Set-Cookie")
    assert [c.split("=", 1)[0] for c in cookies] == ["session"] and "; Secure" in cookies[0], cookies
    cookie = cookies[0].split(";", 1)[0]
    token = login_page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = client.post("/login", data={"email": world.ta.email, "password": PASSWORD, "csrf_token": token},
                            headers={**FORWARDED_HTTPS, "Cookie": cookie, "Referer": "https://localhost/login"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/staff/"
    assert signed_in.headers["Strict-Transport-Security"] == HSTS
    assert all("; Secure" in c for c in signed_in.headers.getlist("Set-Cookie"))


def test_a_spoofed_header_from_an_untrusted_client_changes_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path)  # TRUSTED_PROXY_COUNT defaults to 0
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    world = _world(app)
    client = app.test_client()
    page = client.get("/login", headers=FORWARDED_HTTPS)
    assert "Strict-Transport-Security" not in page.headers
    cookies = _sign_in_with_password(client, world, FORWARDED_HTTPS)
    assert cookies and not any("Secure" in c for c in cookies), cookies


def test_plain_http_through_a_trusted_proxy_gets_no_hsts(tmp_path: Path) -> None:
    """HSTS sent over plain HTTP would be ignored by browsers and tells nothing; it follows the scheme."""
    app = _app(tmp_path, TRUSTED_PROXY_COUNT=1)
    world = _world(app)
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "http"}
    assert "Strict-Transport-Security" not in client.get("/login", headers=headers).headers
    cookies = _sign_in_with_password(client, world, headers)
    assert cookies and not any("Secure" in c for c in cookies)


@pytest.mark.parametrize("trusted", [0, 1])
def test_the_school_tablet_cookie_is_secure_over_https(tmp_path: Path, trusted: int) -> None:
    app = _app(tmp_path, TRUSTED_PROXY_COUNT=trusted)
    app.config["WTF_CSRF_ENABLED"] = False
    world = _world(app)
    client = app.test_client()
    sign_in_as(client, world.ta)
    answer = client.post("/staff/tablet", data={"action": "enrol", "name": "iPad"}, headers=FORWARDED_HTTPS)
    assert answer.status_code == 302
    tablet = [c for c in answer.headers.getlist("Set-Cookie") if not c.startswith("session=")]
    assert tablet, answer.headers.getlist("Set-Cookie")
    assert all(("; Secure" in c) == bool(trusted) for c in tablet), tablet


def test_the_proxys_address_is_replaced_by_the_visitors_only_when_trusted(tmp_path: Path) -> None:
    seen: dict[int, str] = {}
    for trusted in (0, 1):
        app = _app(tmp_path / str(trusted), TRUSTED_PROXY_COUNT=trusted)

        @app.after_request
        def _note(response, trusted=trusted):  # type: ignore[no-untyped-def]
            from flask import request

            seen[trusted] = request.remote_addr or ""
            return response

        app.test_client().get("/login", headers=FORWARDED_HTTPS)
    assert seen == {0: "127.0.0.1", 1: "203.0.113.7"}
