"""Sending the outbox to a real SMTP server on loopback: headers, retries with backoff, the log, the thread."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.mail import outbox, sender
from portfolio.models import MailMessage
from tests.factories import World
from tests.mail.smtp_server import SmtpServer, mail_app
from tests.processes import free_port

T0 = datetime(2026, 12, 1, 9, 0)


def _queue(world: World, *, to: str = "parent1@example.org", subject: str = "A note",
           text: str = "Hello.\nA second line.") -> int:
    dbs = db.session()
    row = outbox.queue_message(dbs, to=to, subject=subject, text=text, kind="notice", school_id=world.school.id,
                               user_id=world.parent.id)
    dbs.commit()
    return row.id


def _deliver(app: Flask, at: datetime) -> tuple[int, int]:
    return sender.deliver_waiting(db.session(), sender.transport_for(app.config["MAIL_URL"]),
                                  app.config["MAIL_FROM"], now=lambda: at)


def test_a_message_arrives_with_its_headers_and_text(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        message_id = _queue(world, subject="Riverside\r\nBcc: evil@attacker.example")
        assert _deliver(app, T0) == (1, 0)
        row = db.session().get(MailMessage, message_id)
        assert (row.attempts, row.sent_at, row.last_error) == (1, T0, "")
    [got] = smtp_server.keeper.received
    assert got.rcpt_tos == ["parent1@example.org"]  # nobody added through the subject
    assert got.message["To"] == "parent1@example.org"
    assert got.message["From"] == "My Next Steps <no-reply@school.example>"
    assert got.message["Subject"] == "Riverside Bcc: evil@attacker.example"
    assert got.message["Bcc"] is None and got.message["Auto-Submitted"] == "auto-generated"
    assert got.body.splitlines() == ["Hello.", "A second line."]
    with app.app_context():
        assert _deliver(app, T0 + timedelta(hours=1)) == (0, 0)  # sent once only
    assert len(smtp_server.keeper.received) == 1


def test_a_refusal_is_retried_after_a_growing_wait(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    smtp_server.keeper.refuse_next = 2
    with app.app_context():
        message_id = _queue(world)
        assert _deliver(app, T0) == (0, 1)
        row = db.session().get(MailMessage, message_id)
        assert (row.attempts, row.last_error, row.sent_at) == (1, "SMTPDataError 451", None)
        assert row.next_attempt_at == T0 + sender.BACKOFF[0]
        assert _deliver(app, T0 + timedelta(seconds=30)) == (0, 0)  # not due yet
        assert _deliver(app, T0 + sender.BACKOFF[0]) == (0, 1)
        row = db.session().get(MailMessage, message_id, populate_existing=True)
        assert row.attempts == 2 and row.next_attempt_at == T0 + sender.BACKOFF[0] + sender.BACKOFF[1]
        assert _deliver(app, row.next_attempt_at) == (1, 0)
        row = db.session().get(MailMessage, message_id, populate_existing=True)
        assert row.attempts == 3 and row.sent_at is not None and row.last_error == ""
    assert len(smtp_server.keeper.received) == 1


def test_a_server_that_never_answers_is_given_up_on(app: Flask, world: World) -> None:
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    with app.app_context():
        message_id = _queue(world)
        at = T0
        for _ in range(sender.MAX_ATTEMPTS):
            assert _deliver(app, at) == (0, 1)
            at = db.session().get(MailMessage, message_id, populate_existing=True).next_attempt_at or at
        row = db.session().get(MailMessage, message_id, populate_existing=True)
        assert row.attempts == sender.MAX_ATTEMPTS and row.failed_at is not None and row.sent_at is None
        assert row.last_error == "ConnectionRefusedError"
        assert _deliver(app, at + timedelta(days=1)) == (0, 0)


def test_a_message_held_by_another_sender_is_not_sent_twice(app: Flask, world: World,
                                                            smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        message_id = _queue(world)
        assert sender._claim(db.session(), message_id, T0)  # another process is sending it
        assert _deliver(app, T0 + timedelta(minutes=1)) == (0, 0)
        assert _deliver(app, T0 + sender.CLAIM_FOR) == (1, 0)  # that process died: it goes later
    assert len(smtp_server.keeper.received) == 1


def test_without_a_mail_server_the_whole_message_is_logged_and_marked_sent(
        app: Flask, world: World, caplog: pytest.LogCaptureFixture) -> None:
    app.config["MAIL_URL"] = None
    caplog.set_level(logging.INFO, logger="portfolio.mail")
    with app.app_context():
        message_id = _queue(world, text="Open this link:\nhttps://portfolio.example/invitation/abc")
        assert sender.deliver_for_app(app) == (1, 0)
        assert db.session().get(MailMessage, message_id, populate_existing=True).sent_at is not None
    assert "https://portfolio.example/invitation/abc" in caplog.text and "To: parent1@example.org" in caplog.text


def test_the_commit_wakes_the_background_sender(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server, background=True)
    try:
        with app.app_context():
            message_id = _queue(world)  # no call to the sender: the commit is enough
        [got] = smtp_server.keeper.wait_for(1)
        assert got.message["To"] == "parent1@example.org"
        worker = app.extensions["mail_sender"]
        assert worker.idle.wait(5)
        with app.app_context():
            assert db.session().get(MailMessage, message_id).sent_at is not None
    finally:
        sender.stop(app)


def test_a_rolled_back_message_never_wakes_or_sends(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server, background=True)
    with app.app_context():
        dbs = db.session()
        outbox.queue_message(dbs, to="a@example.org", subject="s", text="t", kind="notice", school_id=None)
        dbs.rollback()
        dbs.commit()
    assert "mail_sender" not in app.extensions and smtp_server.keeper.received == []


def test_the_send_command_sends_what_is_waiting(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        _queue(world)
        _queue(world, to="staff1@example.org")
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 email(s); 0 could not be sent" in result.output
    assert sorted(r.rcpt_tos[0] for r in smtp_server.keeper.received) == ["parent1@example.org", "staff1@example.org"]
    with app.app_context():
        assert db.session().scalars(select(MailMessage.sent_at).where(MailMessage.sent_at.is_(None))).all() == []


@pytest.mark.parametrize("url, scheme_ok", [("smtp://h:25", True), ("smtp+starttls://u:p@h:587", True),
                                            ("smtps://h:465", True), ("http://h", False)])
def test_only_smtp_urls_are_used(url: str, scheme_ok: bool) -> None:
    transport = sender.transport_for(url)
    assert isinstance(transport, sender.SmtpTransport)
    if not scheme_ok:
        with pytest.raises(ValueError, match="MAIL_URL"):
            transport.send(sender.build_email(MailMessage(to_address="a@example.org", subject="s", body_text="t"),
                                              "x@example.org"))


def test_a_name_with_accents_arrives_intact(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        _queue(world, subject="Zoë's invitation", text="Hello Zoë Brontë,\nhttps://portfolio.example/x")
        assert _deliver(app, T0) == (1, 0)
    [got] = smtp_server.keeper.received
    assert got.message["Subject"] == "Zoë's invitation"
    assert got.body.splitlines() == ["Hello Zoë Brontë,", "https://portfolio.example/x"]


def test_an_unsubscribe_link_is_sent_for_one_tap(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        dbs = db.session()
        outbox.queue_message(dbs, to="parent1@example.org", subject="Sam's new entry", text="See it in the app.",
                             kind="notice", school_id=world.school.id,
                             unsubscribe_url="https://portfolio.school.example/unsubscribe/tok3n")
        dbs.commit()
        assert _deliver(app, T0) == (1, 0)
    [got] = smtp_server.keeper.received
    assert got.message["List-Unsubscribe"] == "<https://portfolio.school.example/unsubscribe/tok3n>"
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_left_waiting_goes_once_the_app_serves_again(app: Flask, world: World, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    with app.app_context():
        _queue(world)  # queued while no sender thread ran (a restart, or a command that ended early)
    assert "mail_sender" not in app.extensions
    app.config["MAIL_BACKGROUND_IN_TESTS"] = True
    try:
        assert app.test_client().get("/login").status_code == 200  # any request starts the sender
        [got] = smtp_server.keeper.wait_for(1)
        assert got.rcpt_tos == ["parent1@example.org"]
    finally:
        sender.stop(app)
