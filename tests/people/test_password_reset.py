""""Forgot password?": the same answer and time whether or not the address is an account's, rate limits per
account and per address, a one-hour one-time link, and a change that ends the person's other sign-ins."""
from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.mail import sender
from portfolio.models import MailMessage, PasswordToken, SignIn, User
from portfolio.people import accounts, passwords
from portfolio.tokens import token_hash
from tests.conftest import sign_in_as
from tests.factories import World
from tests.mail.smtp_server import SmtpServer, keep_example, mail_app

LINK = re.compile(r"https://portfolio\.school\.example/password/reset/([A-Za-z0-9_-]+)")
NEW_PASSWORD = "seven silver kites"


@pytest.fixture
def reset_app(app: Flask, smtp_server: SmtpServer) -> Flask:
    """Mail to the loopback server, CSRF off (these tests are about the answers, not forms)."""
    mail_app(app, smtp_server)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["PASSWORD_RESET_ANSWER_SECONDS"] = 0.0  # the timing test sets its own
    return app


def _ask(client: FlaskClient, email: str):
    return client.post("/password/forgot", data={"email": email})


def _answer(response) -> str:
    """The page's main words, without what changes from one request to the next (tokens, ids)."""
    text = response.get_data(as_text=True)
    main = text[text.index('<main'):text.index('</main>')]
    return re.sub(r'(value|data-src|content)="[^"]*"', "", main)


def _link_from_mail(app: Flask, server: SmtpServer) -> str:
    sender.deliver_for_app(app)
    match = LINK.search(server.keeper.received[-1].body)
    assert match, server.keeper.received[-1].body
    return match.group(1)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
        reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    client = reset_app.test_client()
    known = _ask(client, world.parent.email)
    unknown = _ask(client, "nobody@nowhere.example")
    learner_like = _ask(client, "SAM@riverside.example")
    assert known.status_code == unknown.status_code == learner_like.status_code == 200
    assert _answer(known) == _answer(unknown) == _answer(learner_like)
    assert "If that email address belongs to an account" in _answer(known)
    sender.deliver_for_app(reset_app)
    assert [r.rcpt_tos for r in smtp_server.keeper.received] == [[world.parent.email]]


def test_the_reset_email_states_the_hour_and_the_link_works_once(
        reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    _ask(reset_app.test_client(), world.parent.email.upper())
    link_token = _link_from_mail(reset_app, smtp_server)
    got = smtp_server.keeper.received[-1]
    keep_example("password-reset", got)
    assert got.message["Subject"] == "Reset your My Next Steps password"
    assert "This link works once, for 1 hour" in got.body and "Hello Nina Patel," in got.body
    elsewhere = reset_app.test_client()
    sign_in_as(elsewhere, world.parent)
    assert elsewhere.get("/family/").status_code == 200

    visitor = reset_app.test_client()
    page = visitor.get(f"/password/reset/{link_token}")
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    assert f"at least {passwords.MIN_LENGTH} characters" in page.get_data(as_text=True)
    weak = visitor.post(f"/password/reset/{link_token}", data={"password": "password123", "confirm": "password123"})
    assert weak.status_code == 400 and "many people use" in weak.get_data(as_text=True)
    done = visitor.post(f"/password/reset/{link_token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and visitor.get("/family/").status_code == 200
    assert elsewhere.get("/family/").status_code == 302  # the other sign-in has ended
    with reset_app.app_context():
        dbs = db.session()
        assert accounts.authenticate(dbs, world.parent.email, NEW_PASSWORD) is not None
        open_ones = dbs.scalars(select(SignIn).where(SignIn.user_id == world.parent.id, SignIn.ended_at.is_(None)))
        assert len(open_ones.all()) == 1  # this device only
    again = reset_app.test_client().get(f"/password/reset/{link_token}")
    assert again.status_code == 410 and "This link has been used" in again.get_data(as_text=True)
    reuse = reset_app.test_client().post(f"/password/reset/{link_token}",
                                         data={"password": "eight silver kites", "confirm": "eight silver kites"})
    assert reuse.status_code == 410


def test_a_reset_link_stops_after_an_hour(reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    _ask(reset_app.test_client(), world.ta.email)
    link_token = _link_from_mail(reset_app, smtp_server)
    with reset_app.app_context():
        dbs = db.session()
        row = dbs.scalar(select(PasswordToken).where(PasswordToken.token_hash == token_hash(link_token)))
        assert row.expires_at - row.created_at == timedelta(hours=1)
        row.expires_at -= timedelta(hours=1)
        dbs.commit()
    page = reset_app.test_client().get(f"/password/reset/{link_token}")
    assert page.status_code == 410 and "This link is too old" in page.get_data(as_text=True)
    post = reset_app.test_client().post(f"/password/reset/{link_token}",
                                        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert post.status_code == 410
    with reset_app.app_context():
        assert accounts.authenticate(db.session(), world.ta.email, NEW_PASSWORD) is None


def test_a_newer_link_stops_the_older_one(reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    client = reset_app.test_client()
    _ask(client, world.ta.email)
    first = _link_from_mail(reset_app, smtp_server)
    _ask(client, world.ta.email)
    second = _link_from_mail(reset_app, smtp_server)
    assert reset_app.test_client().get(f"/password/reset/{first}").status_code == 410
    assert reset_app.test_client().get(f"/password/reset/{second}").status_code == 200


def test_a_switched_off_account_gets_no_email(reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    with reset_app.app_context():
        dbs = db.session()
        dbs.get(User, world.other_ta.id).active = False
        dbs.commit()
    response = _ask(reset_app.test_client(), world.other_ta.email)
    assert response.status_code == 200 and "If that email address belongs" in response.get_data(as_text=True)
    with reset_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(MailMessage)) == 0


@pytest.mark.parametrize("typed", ["", "not an address", "nina@example.org\r\nBcc: evil@attacker.example",
                                   "Nina <parent1@example.org>"])
def test_text_that_is_not_an_address_is_told_so_for_everyone_alike(reset_app: Flask, world: World,
                                                                     typed: str) -> None:
    response = _ask(reset_app.test_client(), typed)
    assert response.status_code == 400 and "email address" in response.get_data(as_text=True)
    with reset_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(MailMessage)) == 0


def test_asking_is_limited_per_account_whatever_the_address(reset_app: Flask, world: World) -> None:
    reset_app.config["PASSWORD_RESET_RATE_LIMIT"] = "3 per hour"
    for email in (world.parent.email, "nobody@nowhere.example"):  # the same for a made-up address
        answers = [_ask(reset_app.test_client(), email).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
    assert _ask(reset_app.test_client(), world.ta.email).status_code == 200  # another account is not held up
    with reset_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(MailMessage)) == 4  # 3 for Nina, 1 for the TA


def test_asking_is_limited_per_address_across_accounts(reset_app: Flask, world: World) -> None:
    reset_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"] = "5 per minute"
    client = reset_app.test_client()
    answers = [_ask(client, f"person{n}@nowhere.example").status_code for n in range(6)]
    assert answers == [200] * 5 + [429]
    limited = _ask(client, world.parent.email)
    assert limited.status_code == 429 and "Please wait a moment" in limited.get_data(as_text=True)


def test_choosing_a_password_is_limited_per_link(reset_app: Flask, world: World, smtp_server: SmtpServer) -> None:
    reset_app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    _ask(reset_app.test_client(), world.ta.email)
    link_token = _link_from_mail(reset_app, smtp_server)
    tries = [reset_app.test_client().post(f"/password/reset/{link_token}",
                                          data={"password": "short", "confirm": "short"}).status_code
             for _ in range(4)]
    assert tries == [400, 400, 400, 429]


def _timed(client: FlaskClient, email: str) -> float:
    started = time.perf_counter()
    assert _ask(client, email).status_code == 200
    return time.perf_counter() - started


def test_the_answer_takes_about_as_long_whether_or_not_the_address_has_an_account(
        reset_app: Flask, world: World) -> None:
    reset_app.config["PASSWORD_RESET_RATE_LIMIT"] = "1000 per minute"
    reset_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"] = "1000 per minute"
    floor = reset_app.config["PASSWORD_RESET_ANSWER_SECONDS"] = 0.05
    client = reset_app.test_client()
    for _ in range(3):  # warm up both paths
        _timed(client, world.parent.email), _timed(client, "nobody@nowhere.example")
    known, unknown = [], []
    for _ in range(25):  # interleaved, so a slow moment of the machine falls on both
        known.append(_timed(client, world.parent.email))
        unknown.append(_timed(client, "nobody@nowhere.example"))
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"median answer: known {k * 1000:.1f} ms, unknown {u * 1000:.1f} ms (answers take at least {floor * 1000:.0f} ms)")
    assert min(known + unknown) >= floor
    assert abs(k - u) <= 0.1 * floor, (k, u)  # within 5 ms of each other


def test_without_the_fixed_time_the_work_itself_is_close(reset_app: Flask, world: World) -> None:
    """The same hashing on both paths: even with no fixed time the answers differ by a few milliseconds."""
    reset_app.config["PASSWORD_RESET_RATE_LIMIT"] = "1000 per minute"
    reset_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"] = "1000 per minute"
    client = reset_app.test_client()
    for _ in range(3):
        _timed(client, world.parent.email), _timed(client, "nobody@nowhere.example")
    known, unknown = [], []
    for _ in range(25):
        known.append(_timed(client, world.parent.email))
        unknown.append(_timed(client, "nobody@nowhere.example"))
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"median answer with no fixed time: known {k * 1000:.1f} ms, unknown {u * 1000:.1f} ms")
    assert abs(k - u) <= 0.02, (k, u)
