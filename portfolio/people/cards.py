"""Learner login cards and the picture check.

A learner signs in without typing or remembering anything: a TA scans or keys in their
card on a school tablet, then the learner taps their own picture among four. A card alone
opens nothing: it only works on a tablet that staff have set up (see ``tablets``), and the
picture check locks the card after a few wrong taps.
"""
from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.models import LoginCard, Role, User, utcnow
from portfolio.people.sessions import end_sessions_for
from portfolio.symbols.learner_pictures import PICTURE_SYMBOLS
from portfolio.tokens import new_short_code, new_token, short_code_hash, token_hash

CHOICES_SHOWN = 4
LOCK_MINUTES = 15


class CardState(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    LOCKED = "locked"
    LEARNER_INACTIVE = "inactive"


@dataclass
class IssuedCard:
    card: LoginCard
    token: str  # only known at issue time: printed into the QR code
    short_code: str


@dataclass
class CardLookup:
    state: CardState
    card: LoginCard | None = None


def issue_card(session: Session, learner: User, issued_by: User, days: int) -> IssuedCard:
    """Make a new card and revoke any older one, so a lost card stops working at once."""
    if learner.role_enum is not Role.LEARNER:
        raise ValueError("only learners have login cards")
    now = utcnow()
    for old in session.scalars(
        select(LoginCard).where(LoginCard.learner_id == learner.id, LoginCard.revoked_at.is_(None))
    ):
        old.revoked_at = now
    token = new_token()
    while True:
        code = new_short_code()
        clash = session.scalar(
            select(LoginCard.id).where(
                LoginCard.short_code_hash == short_code_hash(learner.school_id, code),
                LoginCard.revoked_at.is_(None),
            )
        )
        if clash is None:
            break
    card = LoginCard(
        school_id=learner.school_id,
        learner_id=learner.id,
        token_hash=token_hash(token),
        short_code_hash=short_code_hash(learner.school_id, code),
        expires_at=now + timedelta(days=days),
        created_by_id=issued_by.id,
    )
    session.add(card)
    session.flush()
    return IssuedCard(card=card, token=token, short_code=code)


def revoke_cards(session: Session, learner: User) -> int:
    """Stop the learner's cards, and sign the learner out wherever they are signed in: a card is
    stopped because it was lost or misused, so a session it opened must not outlive it."""
    now = utcnow()
    count = 0
    for card in session.scalars(
        select(LoginCard).where(LoginCard.learner_id == learner.id, LoginCard.revoked_at.is_(None))
    ):
        card.revoked_at = now
        count += 1
    end_sessions_for(session, learner.id)
    session.flush()
    return count


def current_card(session: Session, learner: User) -> LoginCard | None:
    return session.scalar(
        select(LoginCard)
        .where(LoginCard.learner_id == learner.id, LoginCard.revoked_at.is_(None))
        .order_by(LoginCard.created_at.desc())
    )


def state_of(card: LoginCard | None, now: datetime) -> CardLookup:
    if card is None:
        return CardLookup(CardState.UNKNOWN)
    if card.revoked_at is not None:
        return CardLookup(CardState.REVOKED, card)
    if card.expires_at <= now:
        return CardLookup(CardState.EXPIRED, card)
    if not card.learner.active:
        return CardLookup(CardState.LEARNER_INACTIVE, card)
    if card.locked_until is not None and card.locked_until > now:
        return CardLookup(CardState.LOCKED, card)
    return CardLookup(CardState.OK, card)


def find_by_token(session: Session, token: str) -> CardLookup:
    card = session.scalar(select(LoginCard).where(LoginCard.token_hash == token_hash(token)))
    return state_of(card, utcnow())


def find_by_id(session: Session, card_id: object) -> CardLookup:
    card = session.get(LoginCard, card_id) if isinstance(card_id, int) else None
    return state_of(card, utcnow())


def find_by_short_code(session: Session, school_id: int, code: str) -> CardLookup:
    """Short codes are unique among live cards of one school; a revoked code may be reused."""
    candidates = list(
        session.scalars(
            select(LoginCard)
            .where(LoginCard.short_code_hash == short_code_hash(school_id, code), LoginCard.school_id == school_id)
            .order_by(LoginCard.revoked_at.is_(None).desc(), LoginCard.created_at.desc())
        )
    )
    return state_of(candidates[0] if candidates else None, utcnow())


def picture_choices(card: LoginCard) -> list[str]:
    """The learner's own picture among three others.

    Seeded by the card, so the pictures sit in the same places every time this learner
    signs in (motor memory), but differ between learners.
    """
    own = card.learner.picture_symbol or PICTURE_SYMBOLS[0]
    rng = random.Random(f"card-{card.id}-{card.token_hash[:8]}")
    others = rng.sample([s for s in PICTURE_SYMBOLS if s != own], CHOICES_SHOWN - 1)
    choices = others + [own]
    rng.shuffle(choices)
    return choices


def check_picture(session: Session, card: LoginCard, chosen: str, max_tries: int) -> bool:
    """True when the learner tapped their own picture. Wrong taps count towards a lock."""
    if chosen == card.learner.picture_symbol:
        card.failed_checks = 0
        card.locked_until = None
        session.flush()
        return True
    card.failed_checks += 1
    if card.failed_checks >= max_tries:
        card.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
        card.failed_checks = 0
    session.flush()
    return False
