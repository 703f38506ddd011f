"""School tablets that staff have set up for learner sign-in.

The tablet keeps a random token in a long-lived cookie; only its hash is stored.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.models import TrustedTablet, User, utcnow
from portfolio.plain_text import clean_line
from portfolio.tokens import new_token, token_hash

COOKIE_NAME = "school_tablet"
MAX_TABLET_NAME = 120


def enrol_tablet(session: Session, staff: User, name: str, days: int) -> tuple[TrustedTablet, str]:
    token = new_token()
    tablet = TrustedTablet(
        school_id=staff.school_id,
        name=clean_line(name, MAX_TABLET_NAME, what="the tablet's name") or "School tablet",
        token_hash=token_hash(token),
        expires_at=utcnow() + timedelta(days=days),
        created_by_id=staff.id,
    )
    session.add(tablet)
    session.flush()
    return tablet, token


def tablet_for_token(session: Session, token: str | None) -> TrustedTablet | None:
    """The live tablet this cookie belongs to, or None for any unknown, expired or revoked one."""
    if not token:
        return None
    tablet = session.scalar(select(TrustedTablet).where(TrustedTablet.token_hash == token_hash(token)))
    if tablet is None or tablet.revoked_at is not None or tablet.expires_at <= utcnow():
        return None
    return tablet


def tablets_in_school(session: Session, school_id: int) -> list[TrustedTablet]:
    return list(
        session.scalars(
            select(TrustedTablet)
            .where(TrustedTablet.school_id == school_id, TrustedTablet.revoked_at.is_(None))
            .order_by(TrustedTablet.created_at.desc())
        )
    )


def revoke_tablet(session: Session, tablet: TrustedTablet) -> None:
    tablet.revoked_at = utcnow()
    session.flush()
