"""The notice emails: one short message at once for "each", or one digest a day or a week.

Every message is plain, short and easy-read. It names a learner by first name only and holds no
photos and no private words (no captions, no comments, no feedback): only what kind of thing
happened, a link into the app (where the sign-in rules still apply), a link to choose which emails
come, and a one-tap link that stops them with no sign-in.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portfolio.mail.outbox import BadAddress, clean_address, queue_message
from portfolio.models import Notice, User
from portfolio.notices import kinds, raising, service

log = logging.getLogger("portfolio.notices")

# A digest gathers what is new since the last one, but never more than this far back: someone who
# has just switched emails on gets this week's news, not a term's.
DIGEST_REACH = timedelta(days=8)
SIGN_OFF = "Sent by My Next Steps"  # a line starting "From " would reach some readers as ">From "


def notices_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/notices/"


def notice_url(base_url: str, notice_id: int) -> str:
    return f"{base_url.rstrip('/')}/notices/{notice_id}"


def settings_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/notices/settings"


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/notices/unsubscribe/{token}"


def _footer(base_url: str, token: str) -> list[str]:
    return ["", "Choose which emails you get:", settings_url(base_url), "",
            "Stop these emails with one tap:", unsubscribe_url(base_url, token), "", SIGN_OFF]


def _queue(dbs: Session, person: User, subject: str, lines: list[str], kind: str) -> bool:
    """Queue one message; a stored address that cannot be used is logged and skipped, never sent."""
    try:
        queue_message(dbs, to=person.email or "", subject=subject, text="\n".join(lines) + "\n", kind=kind,
                      school_id=person.school_id, user_id=person.id)
    except BadAddress:
        log.warning("Notice email for user %s not sent: their address cannot be used", person.id)
        return False
    return True


def each_message(dbs: Session, notice: Notice, base_url: str) -> bool:
    """The "each" email for one notice."""
    kind = kinds.KINDS[notice.kind]
    name = notice.learner.first_name
    token = service.new_unsubscribe(dbs, notice_person(dbs, notice), [notice.kind])
    lines = ["Hello,", "", kind.one.format(name=name), "", "See it here. You may need to sign in first:",
             notice_url(base_url, notice.id), *_footer(base_url, token)]
    return _queue(dbs, notice_person(dbs, notice), kind.subject.format(name=name), lines, "notice")


def notice_person(dbs: Session, notice: Notice) -> User:
    person = dbs.get(User, notice.user_id)
    assert person is not None  # the notice's row is removed with the person's
    return person


def email_each(dbs: Session, notice_ids: list[int], base_url: str, now: datetime) -> int:
    """Email at once the given notices whose person chose "each" for that kind; returns how many."""
    if not notice_ids:
        return 0
    query = (select(Notice).options(joinedload(Notice.learner))
             .where(Notice.id.in_(notice_ids), Notice.emailed_at.is_(None)).order_by(Notice.id))
    sent = 0
    for notice in dbs.scalars(query):
        person = notice_person(dbs, notice)
        if not _wants(dbs, person, notice.kind, kinds.EACH):
            continue
        if each_message(dbs, notice, base_url):
            notice.emailed_at = now
            sent += 1
    dbs.flush()
    return sent


def email_raised(dbs: Session, base_url: str, now: datetime) -> int:
    """After a request: email at once the notices it raised whose person chose "each"."""
    return email_each(dbs, raising.take_raised(dbs), base_url, now)


def _usable(person: User) -> bool:
    """An active adult with an address the outbox will take (checked before a link is made for them)."""
    try:
        clean_address(person.email)
    except BadAddress:
        log.warning("Notice email for user %s not sent: their address cannot be used", person.id)
        return False
    return bool(person.active)


def _wants(dbs: Session, person: User, kind: str, frequency: str) -> bool:
    return service.preferences(dbs, person).get(kind) == frequency and _usable(person)


def waiting_each(dbs: Session, now: datetime) -> list[int]:
    """Notices for "each" that were never emailed (raised by a command, or missed): the digest sends them."""
    query = select(Notice.id).where(Notice.emailed_at.is_(None), Notice.seen_at.is_(None),
                                    Notice.created_at >= now - DIGEST_REACH)
    return list(dbs.scalars(query.order_by(Notice.id)))


def digest_lines(notices: list[Notice]) -> list[str]:
    """The digest's news, grouped by kind (in the settings' order), then by learner's first name."""
    lines: list[str] = []
    for key, kind in kinds.KINDS.items():
        counts: dict[str, int] = defaultdict(int)
        for notice in notices:
            if notice.kind == key:
                counts[notice.learner.first_name] += 1
        if not counts:
            continue
        lines += ["", kind.setting + ":"]
        for name in sorted(counts):
            words = kind.one if counts[name] == 1 else kind.many
            lines.append("- " + words.format(name=name, count=counts[name]))
    return lines


def digest_for(dbs: Session, person: User, frequency: str, base_url: str, now: datetime) -> bool:
    """One digest for one person: their notices of the kinds they get at this frequency that they have
    neither seen in the app nor had emailed. Nothing new, no email."""
    chosen = [kind for kind, how in service.preferences(dbs, person).items() if how == frequency]
    if not chosen or not _usable(person):
        return False
    query = (select(Notice).options(joinedload(Notice.learner))
             .where(Notice.user_id == person.id, Notice.kind.in_(chosen), Notice.emailed_at.is_(None),
                    Notice.seen_at.is_(None), Notice.created_at >= now - DIGEST_REACH)
             .order_by(Notice.created_at, Notice.id))
    notices = list(dbs.scalars(query))
    if not notices:
        return False
    when = "today" if frequency == kinds.DAILY else "this week"
    token = service.new_unsubscribe(dbs, person, chosen)
    lines = ["Hello,", "", f"Here is what is new {when}.", *digest_lines(notices), "",
             "See them all here. You may need to sign in first:", notices_url(base_url), *_footer(base_url, token)]
    subject = f"Your {'daily' if frequency == kinds.DAILY else 'weekly'} news from My Next Steps"
    if not _queue(dbs, person, subject, lines, "digest"):
        return False
    for notice in notices:
        notice.emailed_at = now
    return True


def send_digests(dbs: Session, frequency: str, base_url: str, now: datetime) -> int:
    """Every adult's digest at this frequency ("daily" or "weekly"); returns how many were queued."""
    if frequency not in (kinds.DAILY, kinds.WEEKLY):
        raise ValueError(f"not a digest: {frequency!r}")
    people = dbs.scalars(select(User).where(User.active.is_(True), User.email.is_not(None))
                         .where(User.id.in_(select(Notice.user_id).where(Notice.emailed_at.is_(None))))
                         .order_by(User.id))
    sent = sum(1 for person in list(people) if digest_for(dbs, person, frequency, base_url, now))
    dbs.flush()
    return sent


def run_digest(dbs: Session, frequency: str, base_url: str, today: date, now: datetime) -> tuple[int, int, int]:
    """The cron job: a daily run first raises reviews coming up and sends any "each" notice not yet
    emailed; then the digests go. Returns (reviews raised, single emails, digests)."""
    reviews = each = 0
    if frequency == kinds.DAILY:
        reviews = len(raising.raise_reviews_due(dbs, today))
        each = email_each(dbs, waiting_each(dbs, now), base_url, now)
    return reviews, each, send_digests(dbs, frequency, base_url, now)
