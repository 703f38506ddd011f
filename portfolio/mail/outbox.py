"""Queueing an email: one checked address, a one-line subject, plain text.

Every header value that could hold something a person typed (a name in a subject) is made one line
here, so nothing can add a header (``Bcc:``) through a line break. The address itself is refused
unless it is exactly one plain address: no display name, no commas, no angle brackets, no spaces.
"""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.mail.sender import note_queued
from portfolio.models import MailMessage

MAX_ADDRESS = 254
MAX_SUBJECT = 200
MAX_BODY = 20_000
KINDS = frozenset({"invitation", "password-reset", "notice", "digest"})

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    rf"@{_LABEL}(?:\.{_LABEL})+"
)
_HEADER_LINK = re.compile(r"https?://[!#-;=?-~]{1,490}")  # printable ASCII but quotes and angle brackets
_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_CONTROLS_BUT_NEWLINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029]")


class BadAddress(KindError):
    """The email address cannot be used: not one plain address."""


def clean_address(address: str | None) -> str:
    """The address trimmed and checked, or ``BadAddress`` with a sentence fit to show.

    The domain is lower-cased (it is case-blind); the part before @ is kept as typed.
    """
    text = (address or "").strip()
    if not text:
        raise BadAddress("Please type an email address.")
    if len(text) > MAX_ADDRESS:
        raise BadAddress(f"That email address is too long. Please use {MAX_ADDRESS} letters or fewer.")
    if not _ADDRESS.fullmatch(text) or len(text.split("@")[0]) > 64:
        raise BadAddress("That does not look like an email address. It should look like name@school.org.uk.")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def header_line(text: str | None, limit: int = MAX_SUBJECT) -> str:
    """A header value made one line: every line break and control character becomes one space.

    Built by the app from names people typed, so shortening is right here; a name with a line break
    in it cannot start a new header.
    """
    return " ".join(_LINE_BREAKS_AND_CONTROLS.sub(" ", text or "").split())[:limit].strip()


def body_text(text: str | None) -> str:
    """Plain text with its line breaks (as ``\\n``) and no other control characters."""
    flat = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS_BUT_NEWLINE.sub(" ", flat)[:MAX_BODY]


def _checked_link(url: str | None) -> str | None:
    """An http(s) link with nothing in it that could end a header line."""
    if url is None:
        return None
    if not _HEADER_LINK.fullmatch(url):
        raise ValueError("an unsubscribe link must be one http(s) URL with no spaces or line breaks")
    return url


def queue_message(dbs: Session, *, to: str, subject: str, text: str, kind: str, school_id: int | None,
                  user_id: int | None = None, unsubscribe_url: str | None = None) -> MailMessage:
    """Add one email to the outbox in the caller's transaction; it is sent after the commit.

    ``unsubscribe_url`` (an http(s) link that stops this kind of email with one tap) is sent as the
    List-Unsubscribe header, so mail apps can show their own unsubscribe button.

    Raises ``BadAddress`` for anything but one plain address. The commit that saves the row wakes the
    background sender (``sender.note_queued``), so nothing else need be called.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of email: {kind!r}")
    message = MailMessage(
        school_id=school_id, user_id=user_id, to_address=clean_address(to),
        subject=header_line(subject) or "My Next Steps", body_text=body_text(text), kind=kind,
        attempts=0, last_error="", unsubscribe_url=_checked_link(unsubscribe_url),
    )
    dbs.add(message)
    dbs.flush()
    note_queued(dbs)
    return message
