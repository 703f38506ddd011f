"""The password rules, and one-time links that let a person set their own password.

The rules follow current guidance (NCSC, NIST SP 800-63B): a minimum length and a check against
passwords people commonly use, and no rules about capitals, digits or symbols, which only push
people towards "Password1!". The common list is the 30,000 most used passwords that ``zxcvbn``
ships (from leaked password sets), checked as typed, in lower case and without spaces.

A link is a random token; only its SHA-256 is stored (``PasswordToken``). It works once, until it
expires (an invitation after 72 hours, a reset after an hour), and only while the account is on.
Setting a password through it ends every other sign-in of that person.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portfolio.errors import KindError
from portfolio.models import PasswordToken, Role, User
from portfolio.people.sessions import end_sessions_for
from portfolio.tokens import new_token, token_hash

MIN_LENGTH = 10
MAX_LENGTH = 200  # long passphrases are welcome; this only stops a page of text being hashed
INVITATION = "invitation"
RESET = "reset"


class PasswordRuleError(KindError):
    """The new password breaks a rule; the message names the rule."""


@cache
def common_passwords() -> frozenset[str]:
    """The list, loaded on first use (it is large, and most requests never set a password)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = password.lower()
    return lowered in common_passwords() or "".join(lowered.split()) in common_passwords()


def check_new_password(password: str, *, email: str | None = None) -> str:
    """The password if it keeps the rules; ``PasswordRuleError`` with a kind sentence if not."""
    if len(password) < MIN_LENGTH:
        raise PasswordRuleError(
            f"Your password needs at least {MIN_LENGTH} characters. Three or four words you will remember work well.")
    if len(password) > MAX_LENGTH:
        raise PasswordRuleError(f"Your password is too long. Please use {MAX_LENGTH} characters or fewer.")
    if len(set(password.lower())) < 3 or is_common(password):
        raise PasswordRuleError(
            "That password is one many people use, so it is easy to guess. Please choose another.")
    if email and password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise PasswordRuleError("Your password cannot be your email address. Please choose another.")
    return password


def change_password(dbs: Session | None, user: User, password: str, *, hash_method: str = "scrypt") -> None:
    """Check and set a new password, and end every sign-in the person has anywhere.

    The caller commits. ``session_version`` is bumped so an old signed cookie is refused at once.
    """
    check_new_password(password, email=user.email)
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.session_version = (user.session_version or 1) + 1
    if dbs is not None and user.id is not None:  # a new account has no sign-ins to end
        end_sessions_for(dbs, user.id)


# One-time links ------------------------------------------------------------------------------------

class LinkState(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    SWITCHED_OFF = "switched-off"


@dataclass(frozen=True)
class LinkLookup:
    state: LinkState
    token: PasswordToken | None = None


class LinkRefused(KindError):
    """The link cannot be used; ``state`` says why, so the page can say it kindly."""

    def __init__(self, state: LinkState) -> None:
        super().__init__("This link cannot be used.")
        self.state = state


def issue_link(dbs: Session, user: User, purpose: str, lifetime: timedelta, now: datetime,
               created_by: User | None = None) -> str:
    """A new link for this person; any earlier unused link of the same purpose stops working."""
    dbs.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.purpose == purpose, PasswordToken.used_at.is_(None),
               PasswordToken.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = new_token()
    dbs.add(PasswordToken(school_id=user.school_id, user_id=user.id, purpose=purpose, token_hash=token_hash(token),
                          created_at=now, expires_at=now + lifetime,
                          created_by_id=created_by.id if created_by is not None else None))
    dbs.flush()
    return token


def look_up_link(dbs: Session, raw: str, purpose: str, now: datetime) -> LinkLookup:
    """What state a link is in. A token of the other purpose counts as unknown."""
    found = dbs.scalar(select(PasswordToken).where(PasswordToken.token_hash == token_hash(raw[:200])))
    if found is None or found.purpose != purpose:
        return LinkLookup(LinkState.UNKNOWN)
    if found.used_at is not None:
        return LinkLookup(LinkState.USED, found)
    if found.expires_at <= now:
        return LinkLookup(LinkState.EXPIRED, found)
    if not found.user.active or found.user.role_enum is Role.LEARNER:
        return LinkLookup(LinkState.SWITCHED_OFF, found)
    return LinkLookup(LinkState.OK, found)


def usable_link(dbs: Session, raw: str, purpose: str, now: datetime) -> PasswordToken:
    """The link's row when it can be used, or ``LinkRefused`` naming why not."""
    lookup = look_up_link(dbs, raw, purpose, now)
    if lookup.state is not LinkState.OK or lookup.token is None:
        raise LinkRefused(lookup.state)
    return lookup.token


def set_password_by_link(dbs: Session, raw: str, purpose: str, password: str, confirm: str, now: datetime, *,
                         hash_method: str = "scrypt") -> User:
    """Use a link: check it and the new password, set it, and spend every open link of that person.

    Raises ``LinkRefused`` for a bad link and ``PasswordRuleError`` for a password that breaks a rule
    (the link then still works). The caller commits and signs the person in.
    """
    token = usable_link(dbs, raw, purpose, now)
    if password != confirm:
        raise PasswordRuleError("The two passwords are not the same. Please type the same password twice.")
    user = token.user
    change_password(dbs, user, password, hash_method=hash_method)
    spent = dbs.execute(  # only one of two requests racing with the same link gets here
        update(PasswordToken).where(PasswordToken.id == token.id, PasswordToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise LinkRefused(LinkState.USED)
    dbs.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token.used_at = now
    dbs.flush()
    return user
