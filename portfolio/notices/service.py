"""Each adult's notices: their email choices, their list and count in the app, and one-tap unsubscribe.

Unsubscribe links need no sign-in, so the token in the link is the only key: it is long and random,
only its SHA-256 is stored, and the stored hash is compared in constant time after the lookup.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portfolio.errors import KindError
from portfolio.models import Notice, NoticePreference, NoticeUnsubscribe, User
from portfolio.notices import kinds
from portfolio.tokens import new_token, token_hash
from portfolio.web.paging import Page, SortKey, keyset_page

LINK_NOT_KNOWN = "This link does not work. You can choose your emails on the settings page after signing in."


@dataclass(frozen=True)
class Choice:
    """One line of the settings page: a kind of notice and how often it is emailed."""

    kind: kinds.Kind
    frequency: str


@dataclass(frozen=True)
class NoticeLine:
    """One notice in the list, in words, and whether it is new since the person last looked."""

    notice: Notice
    text: str
    symbol: str
    is_new: bool


def preferences(dbs: Session, person: User) -> dict[str, str]:
    """How often each kind this person can get is emailed: their choice, or their role's default."""
    rows = dbs.execute(select(NoticePreference.kind, NoticePreference.frequency)
                       .where(NoticePreference.user_id == person.id))
    chosen = {kind: frequency for kind, frequency in rows}
    defaults = kinds.DEFAULTS.get(person.role_enum, {})
    return {kind: chosen.get(kind, default) for kind, default in defaults.items()}


def choices(dbs: Session, person: User) -> list[Choice]:
    return [Choice(kinds.KINDS[kind], frequency) for kind, frequency in preferences(dbs, person).items()]


def set_frequency(dbs: Session, person: User, kind: str, frequency: str) -> None:
    """Keep one choice (it does not commit)."""
    if kind not in kinds.DEFAULTS.get(person.role_enum, {}):
        raise KindError("That kind of email is not one you can get.")
    if frequency not in kinds.FREQUENCIES:
        raise KindError("Please choose how often you would like these emails.")
    row = dbs.scalar(select(NoticePreference).where(NoticePreference.user_id == person.id,
                                                     NoticePreference.kind == kind))
    if row is None:
        dbs.add(NoticePreference(user_id=person.id, kind=kind, frequency=frequency))
    else:
        row.frequency = frequency


def save_choices(dbs: Session, person: User, form: Mapping[str, str]) -> list[Choice]:
    """The settings form: one answer per kind; a kind left out keeps what it was. All or nothing."""
    for kind in preferences(dbs, person):
        answer = form.get(kind)
        if answer is not None:
            set_frequency(dbs, person, kind, answer)
    dbs.flush()
    return choices(dbs, person)


def unseen_count(dbs: Session, person: User) -> int:
    """The number on the home page: notices the person has not looked at yet."""
    query = select(func.count(Notice.id)).where(Notice.user_id == person.id, Notice.seen_at.is_(None))
    return int(dbs.scalar(query) or 0)


def words_for(notice: Notice) -> str:
    """The notice in one plain sentence, with the learner's first name only."""
    return kinds.KINDS[notice.kind].one.format(name=notice.learner.first_name)


NEWEST_FIRST: list[SortKey[Notice]] = [
    SortKey(Notice.created_at, True, lambda n: n.created_at),
    SortKey(Notice.id, True, lambda n: n.id),
]


def look_at_notices(dbs: Session, person: User, now: datetime, after: str | None = None) -> Page[NoticeLine]:
    """A page of the person's notices, newest first; those shown are marked seen, which clears the
    count on their home page. Each line still says whether it was new this time."""
    query = select(Notice).options(joinedload(Notice.learner)).where(Notice.user_id == person.id)
    page = keyset_page(dbs, query, NEWEST_FIRST, after)
    lines = [NoticeLine(n, words_for(n), kinds.KINDS[n.kind].symbol, n.seen_at is None) for n in page.items]
    for line in lines:
        if line.is_new:
            line.notice.seen_at = now
    dbs.flush()
    return Page(lines, page.next_cursor, page.after)


def open_notice(dbs: Session, notice: Notice, now: datetime) -> Notice:
    """Following a notice (from the list or an email) marks it seen."""
    if notice.seen_at is None:
        notice.seen_at = now
    return notice


def new_unsubscribe(dbs: Session, person: User, kinds_in_email: list[str]) -> str:
    """A fresh one-tap link token for one email; only its hash is kept."""
    token = new_token()
    dbs.add(NoticeUnsubscribe(user_id=person.id, token_hash=token_hash(token), kinds=list(kinds_in_email),
                              switched_off={}))
    return token


def _link(dbs: Session, token: str) -> NoticeUnsubscribe:
    wanted = token_hash(token or "")
    link = dbs.scalar(select(NoticeUnsubscribe).where(NoticeUnsubscribe.token_hash == wanted))
    if link is None or not hmac.compare_digest(link.token_hash, wanted) or not link.user.active:
        raise KindError(LINK_NOT_KNOWN)
    return link


def unsubscribe(dbs: Session, token: str, now: datetime) -> tuple[NoticeUnsubscribe, list[kinds.Kind]]:
    """Switch off the emails this link's email was about. Tapping it again changes nothing more."""
    link = _link(dbs, token)
    current = preferences(dbs, link.user)
    before = dict(link.switched_off or {})
    for kind in link.kinds:
        if kind in current and current[kind] != kinds.NONE:
            before[kind] = current[kind]
            set_frequency(dbs, link.user, kind, kinds.NONE)
    link.switched_off = before
    link.used_at = link.used_at or now
    dbs.flush()
    return link, [kinds.KINDS[kind] for kind in link.kinds if kind in kinds.KINDS]


def switch_back_on(dbs: Session, token: str) -> tuple[NoticeUnsubscribe, list[kinds.Kind]]:
    """Undo the tap: each kind goes back to what it was before."""
    link = _link(dbs, token)
    for kind, frequency in (link.switched_off or {}).items():
        if kind in preferences(dbs, link.user):
            set_frequency(dbs, link.user, kind, frequency)
    link.switched_off = {}
    dbs.flush()
    return link, [kinds.KINDS[kind] for kind in link.kinds if kind in kinds.KINDS]
