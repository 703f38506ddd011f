"""Delivering the outbox: over SMTP when ``MAIL_URL`` is set, to the log when it is not.

Sending never happens inside a request: a request only adds rows (``outbox.queue_message``). After
any commit that queued mail, a hook wakes one background thread per app and process, which sends
the waiting rows with retries and a growing wait between them, recording every attempt on the row
(``attempts``, ``sent_at``, ``last_error``). ``flask mail send`` does the same from the command
line, for cron or after a restart. Each row is claimed before it is sent (its next attempt moved
into the future in one UPDATE), so two processes never send the same message twice at once.

This module stands between Flask and the outbox (it finds the app to wake through ``current_app``),
so it is named with the other glue in ``tests/test_layers.py``.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.models import MailMessage, utcnow

log = logging.getLogger("portfolio.mail")

# Waits before each retry: 1 minute, 5, 30, 2 hours, 6 hours; then the message is given up on.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_FOR = timedelta(minutes=5)  # how long a message is held by the sender that is sending it
POLL_SECONDS = 30.0  # the thread also looks on its own this often, for retries that have fallen due
QUEUED_KEY = "mail_queued"
# Emails whose text holds a one-time link: once sent (or given up on) the text is not kept.
SECRET_KINDS = frozenset({"invitation", "password-reset"})
LINK_NOT_KEPT = "(This email held a one-time link, so its text is not kept after sending.)"


class Transport(Protocol):
    """Anything that can hand one message on: SMTP, or the log."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    """``smtp://host:port`` (plain), ``smtp+starttls://user:pass@host:587`` or ``smtps://host:465``."""

    url: str
    timeout: float = 20.0

    def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        scheme = parts.scheme.lower()
        if scheme not in {"smtp", "smtp+starttls", "smtps"}:
            raise ValueError("MAIL_URL must start smtp://, smtp+starttls:// or smtps://")
        host, port = parts.hostname or "localhost", parts.port or (465 if scheme == "smtps" else 25)
        context = ssl.create_default_context()
        client_class: Callable[..., smtplib.SMTP] = smtplib.SMTP_SSL if scheme == "smtps" else smtplib.SMTP
        extra = {"context": context} if scheme == "smtps" else {}
        with client_class(host, port, timeout=self.timeout, **extra) as client:
            if scheme == "smtp+starttls":
                client.starttls(context=context)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)


class ConsoleTransport:
    """No mail server: each message is logged whole, so `make run` shows invitation and reset links."""

    def send(self, message: EmailMessage) -> None:
        log.info("Email (no MAIL_URL set, so not sent):\n%s", message.as_string())


def transport_for(url: str | None) -> Transport:
    return SmtpTransport(url) if url else ConsoleTransport()


def build_email(row: MailMessage, from_address: str) -> EmailMessage:
    """The message as sent: plain UTF-8 text. ``EmailMessage`` itself refuses a header with a line break."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[-1].strip(">") or None)
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    plain = row.body_text.isascii() and all(len(line) < 990 for line in row.body_text.splitlines())
    # 7bit keeps each link whole on its line; quoted-printable only when a name needs it.
    message.set_content(row.body_text, cte="7bit" if plain else "quoted-printable")
    return message


def _short_error(error: Exception) -> str:
    """What went wrong, without anything that might hold a secret (a server's reply can echo a login)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "SMTPRecipientsRefused"
    return type(error).__name__[:200]


def _claim(dbs: Session, message_id: int, now: datetime) -> bool:
    """Hold one waiting message for this sender; False when another sender holds it or it has gone."""
    claimed = dbs.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None),
               or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now))
        .values(next_attempt_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    dbs.commit()
    return claimed.rowcount == 1


def _record_attempt(dbs: Session, row: MailMessage, error: Exception | None, now: datetime) -> None:
    row.attempts = (row.attempts or 0) + 1
    if error is None:
        row.sent_at, row.next_attempt_at, row.last_error = now, None, ""
    else:
        row.last_error = _short_error(error)
        if row.attempts >= MAX_ATTEMPTS:
            row.failed_at, row.next_attempt_at = now, None
        else:
            row.next_attempt_at = now + BACKOFF[row.attempts - 1]
        log.warning("Email %s not sent (attempt %s): %s", row.id, row.attempts, row.last_error)
    if row.kind in SECRET_KINDS and (row.sent_at is not None or row.failed_at is not None):
        row.body_text = LINK_NOT_KEPT  # the one-time link lived in the outbox only until it was sent
    dbs.commit()


def waiting_ids(dbs: Session, now: datetime, limit: int = 100) -> list[int]:
    """Messages due to be tried now, oldest first."""
    return list(dbs.scalars(
        select(MailMessage.id)
        .where(MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None),
               or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now))
        .order_by(MailMessage.id).limit(limit)
    ))


def deliver_waiting(dbs: Session, transport: Transport, from_address: str,
                    now: Callable[[], datetime] = utcnow) -> tuple[int, int]:
    """Try every message that is due, once each; (sent, not sent this time)."""
    sent = failed = 0
    for message_id in waiting_ids(dbs, now()):
        if not _claim(dbs, message_id, now()):
            continue
        row = dbs.get(MailMessage, message_id, populate_existing=True)
        if row is None:
            continue
        error: Exception | None = None
        try:
            transport.send(build_email(row, from_address))
        except (OSError, smtplib.SMTPException, ValueError) as problem:
            error = problem
        _record_attempt(dbs, row, error, now())
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return sent, failed


def deliver_for_app(app: Flask) -> tuple[int, int]:
    """Send what is waiting with the app's settings, in a fresh app context (the thread's or a command's)."""
    with app.app_context():
        return deliver_waiting(db.session(), transport_for(app.config.get("MAIL_URL")),
                               app.config.get("MAIL_FROM") or "no-reply@localhost")


class _Worker:
    """The background thread of one app in one process: it sleeps until woken or until a retry is due."""

    def __init__(self, app: Flask) -> None:
        self.app, self.pid = app, os.getpid()
        self.wanted = threading.Event()
        self.wanted.set()  # a first look at once: mail may be waiting from before a restart
        self.stopping = threading.Event()
        self.idle = threading.Event()
        self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wanted.wait(timeout=POLL_SECONDS)
            self.wanted.clear()
            self.idle.clear()
            try:
                deliver_for_app(self.app)
            except Exception:  # the thread must outlive a database that is briefly away
                log.exception("The mail sender could not read the outbox; it will look again")
            finally:
                self.idle.set()


_lock = threading.Lock()


def _background_wanted(app: Flask) -> bool:
    """On unless ``MAIL_BACKGROUND`` is off; tests turn it on themselves (``MAIL_BACKGROUND_IN_TESTS``)."""
    if not app.config.get("MAIL_BACKGROUND", True):
        return False
    return not app.testing or bool(app.config.get("MAIL_BACKGROUND_IN_TESTS"))


def _running_worker(app: Flask) -> _Worker | None:
    """The app's sender thread in this process, started if it is not running (first use, or after a fork)."""
    if not _background_wanted(app):
        return None
    worker: _Worker | None = app.extensions.get("mail_sender")
    if worker is not None and worker.pid == os.getpid() and worker.thread.is_alive():
        return worker
    with _lock:
        worker = app.extensions.get("mail_sender")
        if worker is None or worker.pid != os.getpid() or not worker.thread.is_alive():
            worker = _Worker(app)
            app.extensions["mail_sender"] = worker
    return worker


def wake(app: Flask | None = None) -> None:
    """Ask the sender to look at the outbox now, starting its thread the first time."""
    worker = _running_worker(app or current_app._get_current_object())  # type: ignore[attr-defined]
    if worker is not None:
        worker.wanted.set()


def init_app(app: Flask) -> None:
    """Start the thread with the process's first request, so mail left waiting by a restart or by a
    command that ended early is sent within ``POLL_SECONDS`` without anyone queueing more."""
    def start_sender() -> None:
        _running_worker(app)

    app.before_request(start_sender)


def stop(app: Flask, timeout: float = 5.0) -> None:
    """End the app's sender thread (tests, shutdown)."""
    worker: _Worker | None = app.extensions.pop("mail_sender", None)
    if worker is not None:
        worker.stopping.set()
        worker.wanted.set()
        worker.thread.join(timeout)


def note_queued(dbs: Session) -> None:
    """Called by the outbox: this session has mail to send once it commits."""
    dbs.info[QUEUED_KEY] = True


@event.listens_for(Session, "after_commit")
def _wake_after_commit(dbs: Session) -> None:
    """Any commit that queued mail wakes the sender; the rows are in the database by now."""
    if dbs.info.pop(QUEUED_KEY, False) and has_app_context():
        wake()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(dbs: Session) -> None:
    dbs.info.pop(QUEUED_KEY, None)
