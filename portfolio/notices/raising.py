"""Raising notices where the events happen, in one place.

A session listener looks at each flush for the four events people hear about: an entry sent to
check, an entry shared with the family, a new comment from home and employer feedback sent. It
adds one ``Notice`` per person to tell, in the same transaction, so a change that rolls back tells
nobody, and no service has to remember to call anything. Rows made new with a status (the demo,
an imported portfolio) are history, not news, and raise nothing.

Reviews coming up are not a change to a row: the daily digest command raises them with
:func:`raise_reviews_due`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, exists, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from portfolio.audit.listener import ACTOR_KEY
from portfolio.cohort import service as cohort
from portfolio.models import (
    EmployerFeedback,
    Experience,
    ExperienceStatus,
    FamilyComment,
    Notice,
    Role,
    User,
    staff_groups,
)
from portfolio.notices import kinds

RAISED_KEY = "notices_raised"
STAFF_ROLES = (Role.STAFF.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Event:
    """Something happened to one learner's record that some adults should hear about."""

    kind: str
    learner: User
    record_kind: str
    record_id: int | None
    actor_id: int | None = None


def family_of(learner: User) -> list[User]:
    return [parent for parent in learner.parents if parent.active and parent.role == Role.PARENT.value]


def staff_of(dbs: Session, learner: User) -> list[User]:
    """The staff who support the learner (as ``policy.is_learner_of_staff``): their group's staff and
    the careers leaders of the school."""
    in_group = exists().where(staff_groups.c.staff_id == User.id, staff_groups.c.group_id == learner.group_id)
    query = select(User).where(User.school_id == learner.school_id, User.active.is_(True),
                               User.role.in_(STAFF_ROLES),
                               (User.role == Role.ADMIN.value) | in_group)
    return list(dbs.scalars(query.order_by(User.id)))


def recipients(dbs: Session, event_: Event) -> list[User]:
    people = family_of(event_.learner) if event_.kind == kinds.NEW_SHARED_ENTRY else staff_of(dbs, event_.learner)
    return [person for person in people if person.id != event_.actor_id]


def raise_for(dbs: Session, event_: Event) -> list[Notice]:
    """Add a notice for each person who should hear of this event (it does not flush)."""
    raised = [Notice(school_id=event_.learner.school_id, user_id=person.id, learner_id=event_.learner.id,
                     kind=event_.kind, record_kind=event_.record_kind, record_id=event_.record_id)
              for person in recipients(dbs, event_)]
    dbs.add_all(raised)
    dbs.info.setdefault(RAISED_KEY, []).extend(raised)
    return raised


def take_raised(dbs: Session) -> list[int]:
    """The ids of the notices this session raised since last asked, for emailing the "each" ones."""
    raised: list[Notice] = dbs.info.pop(RAISED_KEY, [])
    return [notice.id for notice in raised if notice.id is not None]


def _became(row: Any, attribute: str, value: Any = None) -> bool:
    """The attribute was changed in this flush to ``value`` (or from nothing to something)."""
    history = inspect(row).attrs[attribute].history
    if not history.added:
        return False
    before = history.deleted[0] if history.deleted else None
    after = history.added[0]
    if value is None:
        return before is None and after is not None
    return after == value and before != value


def _entry_events(entry: Experience, actor_id: int | None) -> list[Event]:
    found = []
    if _became(entry, "status", ExperienceStatus.WAITING.value):
        found.append(Event(kinds.ENTRY_TO_CHECK, entry.learner, "experiences", entry.id, actor_id))
    if _became(entry, "status", ExperienceStatus.SHARED.value):
        found.append(Event(kinds.NEW_SHARED_ENTRY, entry.learner, "experiences", entry.id, actor_id))
    return found


def events_in_flush(dbs: Session) -> list[Event]:
    """The events this flush makes: changes to rows already there, and new comments from home."""
    actor = dbs.info.get(ACTOR_KEY)
    actor_id = actor.id if actor is not None else None
    found: list[Event] = []
    for row in dbs.dirty:
        if isinstance(row, Experience) and dbs.is_modified(row):
            found += _entry_events(row, actor_id)
        elif isinstance(row, EmployerFeedback) and _became(row, "submitted_at"):
            participant = row.participant
            found.append(Event(kinds.EMPLOYER_FEEDBACK, participant.learner, "activity_participants",
                               participant.id, actor_id))
    for row in dbs.new:
        if isinstance(row, FamilyComment) and row.author_id is not None:
            entry = row.experience or dbs.get(Experience, row.experience_id)
            if entry is not None:
                found.append(Event(kinds.FAMILY_COMMENT, entry.learner, "experiences", entry.id, actor_id))
    return found


def _after_flush(dbs: Session, _context: UOWTransaction) -> None:
    for event_ in events_in_flush(dbs):
        raise_for(dbs, event_)


_installed = False


def install() -> None:
    """Listen on every session, once per process (create_app may run many times in tests)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    _installed = True


def raise_reviews_due(dbs: Session, today: date) -> list[Notice]:
    """A notice, once per review, to each member of staff who will see an annual review coming up
    without a final "My views" pack, in the window the cohort's "Reviews coming up" page shows."""
    since = today - timedelta(days=cohort.REVIEWS_AHEAD_DAYS + 1)
    raised: list[Notice] = []
    staff = dbs.scalars(select(User).where(User.active.is_(True), User.role.in_(STAFF_ROLES)).order_by(User.id))
    for person in list(staff):
        for coming in cohort.reviews_coming_up(dbs, person, today):
            if coming.row.review.pack == "final" or _already_told(dbs, person, coming.row.learner_id, since):
                continue
            notice = Notice(school_id=person.school_id, user_id=person.id, learner_id=coming.row.learner_id,
                            kind=kinds.REVIEW_DUE, record_kind="learner_records", record_id=None)
            dbs.add(notice)
            raised.append(notice)
    dbs.flush()
    return raised


def _already_told(dbs: Session, person: User, learner_id: int, since: date) -> bool:
    query = select(Notice.id).where(Notice.user_id == person.id, Notice.learner_id == learner_id,
                                    Notice.kind == kinds.REVIEW_DUE, Notice.created_at >= since)
    return dbs.scalar(query.limit(1)) is not None
