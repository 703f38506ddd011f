"""Inviting a parent or member of staff by email: a one-time link, 72 hours, used once, refused kindly after."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.mail import sender
from portfolio.models import MailMessage, PasswordToken, School, User
from portfolio.tokens import token_hash
from tests.conftest import csrf_token, sign_in_as
from tests.factories import World
from tests.mail.smtp_server import Received, SmtpServer, keep_example, mail_app

LINK = re.compile(r"https://portfolio\.school\.example/invitation/([A-Za-z0-9_-]+)")


def _admin(app: Flask, world: World) -> tuple[FlaskClient, str]:
    client = app.test_client()
    sign_in_as(client, world.admin)
    return client, csrf_token(client, "/admin/people/invite")


def _invite(app: Flask, world: World, server: SmtpServer, *, name: str = "Ola Adeyemi",
            email: str = "ola@family.example", role: str = "parent") -> tuple[Received, str]:
    client, token = _admin(app, world)
    response = client.post("/admin/people/invite", data={"display_name": name, "email": email, "role": role,
                                                         "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    sender.deliver_for_app(app)
    got = server.keeper.received[-1]
    match = LINK.search(got.body)
    assert match, got.body
    return got, match.group(1)


def _choose(client: FlaskClient, link_token: str, password: str, confirm: str | None = None):
    path = f"/invitation/{link_token}"
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm,
                                   "csrf_token": csrf_token(client, "/login")})


def test_an_invited_parent_gets_an_email_with_a_link_and_sets_their_own_password(
        app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    got, link_token = _invite(app, world, smtp_server)
    keep_example("invitation", got)
    assert got.rcpt_tos == ["ola@family.example"]
    assert got.message["Subject"] == "Riverside: please set up your My Next Steps account"
    assert "Hello Ola Adeyemi," in got.body and "for 72 hours" in got.body
    with app.app_context():
        dbs = db.session()
        ola = dbs.scalar(select(User).where(User.email == "ola@family.example"))
        assert ola.role == "parent" and ola.school_id == world.school.id and ola.password_hash is None
        stored = dbs.scalar(select(PasswordToken).where(PasswordToken.user_id == ola.id))
        assert stored.token_hash == token_hash(link_token)  # only the hash is kept
        assert stored.expires_at - stored.created_at == timedelta(hours=72)
        assert link_token not in " ".join(dbs.scalars(select(MailMessage.body_text)))  # not even in the outbox

    visitor = app.test_client()
    page = visitor.get(f"/invitation/{link_token}")
    assert page.status_code == 200 and "Set up your account" in page.get_data(as_text=True)
    assert "Hello Ola Adeyemi." in page.get_data(as_text=True) and page.headers["Cache-Control"] == "no-store"
    assert _choose(visitor, link_token, "qwertyuiop").status_code == 400  # the link still works after
    assert "do not match" not in _choose(visitor, link_token, "a kind yellow boat", "a kind yellow boot").get_data(
        as_text=True)
    done = _choose(visitor, link_token, "a kind yellow boat")
    assert done.status_code == 302 and done.headers["Location"].endswith("/family/")
    assert visitor.get("/family/").status_code == 200  # signed in


def test_a_used_link_is_refused_kindly(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    _got, link_token = _invite(app, world, smtp_server)
    visitor = app.test_client()
    assert _choose(visitor, link_token, "a kind yellow boat").status_code == 302
    again = app.test_client()
    page = again.get(f"/invitation/{link_token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 410 and "This link has been used" in text and "Each link works once" in text
    assert text.count("Hear: ") >= 2  # the heading and the words can be heard
    assert _choose(again, link_token, "another good phrase").status_code == 410
    with app.app_context():
        from portfolio.people import accounts
        assert accounts.authenticate(db.session(), "ola@family.example", "a kind yellow boat") is not None


def test_a_link_older_than_72_hours_is_refused(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    _got, link_token = _invite(app, world, smtp_server)
    with app.app_context():
        dbs = db.session()
        row = dbs.scalar(select(PasswordToken).where(PasswordToken.token_hash == token_hash(link_token)))
        row.created_at -= timedelta(hours=72, seconds=1)
        row.expires_at -= timedelta(hours=72, seconds=1)
        dbs.commit()
    visitor = app.test_client()
    page = visitor.get(f"/invitation/{link_token}")
    assert page.status_code == 410 and "This link is too old" in page.get_data(as_text=True)
    assert _choose(visitor, link_token, "a kind yellow boat").status_code == 410


def test_an_unknown_or_wrong_kind_of_link_is_not_found(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    _got, link_token = _invite(app, world, smtp_server)
    visitor = app.test_client()
    assert visitor.get("/invitation/not-a-real-token").status_code == 404
    assert visitor.get(f"/password/reset/{link_token}").status_code == 404  # an invitation is not a reset link


def test_sending_again_stops_the_earlier_link(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    _got, first = _invite(app, world, smtp_server)
    client, token = _admin(app, world)
    with app.app_context():
        ola_id = db.session().scalar(select(User.id).where(User.email == "ola@family.example"))
    assert client.post(f"/admin/people/{ola_id}/invite", data={"csrf_token": token}).status_code == 302
    sender.deliver_for_app(app)
    second = LINK.search(smtp_server.keeper.received[-1].body).group(1)
    assert second != first
    visitor = app.test_client()
    assert visitor.get(f"/invitation/{first}").status_code == 410
    assert visitor.get(f"/invitation/{second}").status_code == 200


def test_a_switched_off_account_cannot_use_its_link(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    _got, link_token = _invite(app, world, smtp_server)
    with app.app_context():
        dbs = db.session()
        dbs.scalar(select(User).where(User.email == "ola@family.example")).active = False
        dbs.commit()
    page = app.test_client().get(f"/invitation/{link_token}")
    assert page.status_code == 410 and "switched off" in page.get_data(as_text=True)


@pytest.mark.parametrize("email", ["ola@family.example\r\nBcc: evil@attacker.example",
                                   "Ola <ola@family.example>", "ola@family.example, evil@attacker.example",
                                   "not an address"])
def test_a_hostile_address_is_refused_and_nothing_is_made_or_sent(
        app: Flask, world: World, smtp_server: SmtpServer, email: str) -> None:
    mail_app(app, smtp_server)
    client, token = _admin(app, world)
    response = client.post("/admin/people/invite", data={"display_name": "Ola", "email": email, "role": "parent",
                                                         "csrf_token": token})
    assert response.status_code == 400 and "email address" in response.get_data(as_text=True)
    with app.app_context():
        dbs = db.session()
        assert dbs.scalar(select(func.count()).select_from(MailMessage)) == 0
        assert dbs.scalar(select(User).where(User.display_name == "Ola")) is None


def test_a_name_with_line_breaks_cannot_add_headers(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        dbs = db.session()
        dbs.get(School, world.school.id).name = "Riverside\r\nBcc: evil@attacker.example"
        dbs.commit()
    got, _link = _invite(app, world, smtp_server, name="Ola\r\nBcc: evil@attacker.example")
    assert got.rcpt_tos == ["ola@family.example"] and got.message["Bcc"] is None
    assert got.message["Subject"] == "Riverside Bcc: evil@attacker.example: please set up your My Next Steps account"
    assert b"\nBcc:" not in got.raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")


@pytest.mark.parametrize("role, words", [("learner", "Choose who they are"), ("", "Choose who they are")])
def test_only_adults_are_invited(app: Flask, world: World, role: str, words: str) -> None:
    client, token = _admin(app, world)
    response = client.post("/admin/people/invite", data={"display_name": "Ola", "email": "ola@family.example",
                                                         "role": role, "csrf_token": token})
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_an_address_already_in_use_is_refused(app: Flask, world: World) -> None:
    client, token = _admin(app, world)
    response = client.post("/admin/people/invite", data={"display_name": "Ola", "email": world.ta.email.upper(),
                                                         "role": "staff", "csrf_token": token})
    assert response.status_code == 400 and "already uses that email" in response.get_data(as_text=True)


def test_the_invite_pages_are_for_this_schools_admin_only(app: Flask, world: World) -> None:
    other = app.test_client()
    sign_in_as(other, world.other_school_admin)
    token = csrf_token(other, "/admin/")
    assert other.post(f"/admin/people/{world.parent.id}/invite", data={"csrf_token": token}).status_code == 404
    ta = app.test_client()
    sign_in_as(ta, world.ta)
    assert ta.get("/admin/people/invite").status_code == 403
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(PasswordToken)) == 0


def test_a_learner_is_never_sent_an_invitation(app: Flask, world: World) -> None:
    client, token = _admin(app, world)
    response = client.post(f"/admin/people/{world.learner.id}/invite", data={"csrf_token": token})
    assert response.status_code == 400 and "Only people with an email address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(MailMessage)) == 0
