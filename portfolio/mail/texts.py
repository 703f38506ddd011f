"""The words of the emails about accounts: short, plain and easy to read.

Each function returns (subject, body). Names come from the database (typed by a careers leader), so
the outbox makes the subject one line whatever they hold; the body is plain text, never HTML.
"""
from __future__ import annotations

from datetime import datetime

APP_NAME = "My Next Steps"

_WHAT_FOR = {
    "parent": "to see your child's work experiences and meetings with employers, and to hear their voice",
    "staff": "to help learners keep their work experiences, passport and plans",
    "admin": "to run your school's careers programme and help learners keep their portfolios",
}


def _when(moment: datetime) -> str:
    """The day and time the link stops, plainly: "3 December 2026 at 18:30 UTC"."""
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def invitation(*, name: str, school: str, role: str, link: str, expires_at: datetime, hours: int) -> tuple[str, str]:
    subject = f"{school}: please set up your {APP_NAME} account"
    body = "\n".join([
        f"Hello {name},",
        "",
        f"{school} has made you an account on {APP_NAME}, {_WHAT_FOR.get(role, _WHAT_FOR['staff'])}.",
        "",
        "To start, choose your own password here:",
        link,
        "",
        f"This link works once, for {hours} hours (until {_when(expires_at)}).",
        f"If it has stopped working, ask {school} to send you a new one.",
        "",
        "If you did not expect this email, you can ignore it.",
        "",
        APP_NAME,
    ])
    return subject, body


def password_reset(*, name: str, link: str, expires_at: datetime, minutes: int) -> tuple[str, str]:
    subject = f"Reset your {APP_NAME} password"
    lasts = "1 hour" if minutes == 60 else f"{minutes} minutes"
    body = "\n".join([
        f"Hello {name},",
        "",
        f"Someone asked to reset the password for your {APP_NAME} account.",
        "To choose a new password, open this link:",
        link,
        "",
        f"This link works once, for {lasts} (until {_when(expires_at)}).",
        "After you choose a new password, you are signed out on your other devices.",
        "",
        "If you did not ask for this, you can ignore this email. Your password has not changed.",
        "",
        APP_NAME,
    ])
    return subject, body
