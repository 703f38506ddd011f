""""Forgot password?": an emailed link to choose a new one, without telling anyone who has an account.

The answer is the same whether or not the address belongs to someone, and the work is close to the
same too: a token is made and hashed either way, and the email itself is sent later by the
background sender, so a slow mail server cannot show which addresses are real.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.mail import outbox, texts
from portfolio.models import Role, User
from portfolio.people import passwords
from portfolio.tokens import new_token, token_hash


def _account_for(dbs: Session, email: str) -> User | None:
    """The adult whose account a reset would help: active, not a learner, with this email."""
    person = dbs.scalar(select(User).where(User.email == email.lower()))  # stored lower case, see accounts
    if person is None or not person.active or person.role_enum is Role.LEARNER:
        return None
    return person


def request_reset(dbs: Session, typed_email: str, *, now: datetime, lifetime: timedelta,
                  link_for: Callable[[str], str]) -> None:
    """Queue a reset email if the address is an account's; otherwise do the same work and send nothing.

    Raises ``outbox.BadAddress`` only for text that is not an email address at all, which says
    nothing about who has an account. The caller commits either way.
    """
    email = outbox.clean_address(typed_email)
    person = _account_for(dbs, email)
    if person is None:
        token_hash(new_token())  # the same hashing as a real link, so both answers take the same time
        return
    token = passwords.issue_link(dbs, person, passwords.RESET, lifetime, now)
    minutes = int(lifetime.total_seconds() // 60)
    subject, body = texts.password_reset(name=person.display_name, link=link_for(token),
                                         expires_at=now + lifetime, minutes=minutes)
    outbox.queue_message(dbs, to=person.email or email, subject=subject, text=body, kind="password-reset",
                         school_id=person.school_id, user_id=person.id)
