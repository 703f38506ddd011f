"""A learner's own drafts: throwing one away, and old ones folded into one "Unfinished" card.

Abandoned starts used to pile up on the learner's home as "New entry" cards they could not remove.
A draft belongs to the learner until it is sent, so they (or the staff who support them) may throw
it away. Anything that was ever sent (waiting for a check, shared, or sent back by staff) is
evidence and stays: only an admin's erasure removes it.

Times are arguments (``now``), so the 14-day fold is tested at its exact boundary.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from portfolio.errors import KindError
from portfolio.media.changes import MediaChange
from portfolio.models import Experience, ExperienceStatus, MediaFile, Notice, Role, User

# A draft nobody has touched for this long folds into the "Unfinished" card.
UNFINISHED_AFTER = timedelta(days=14)
# More than this many on one screen is a list nobody can go through; staff clear the rest.
UNFINISHED_SHOWN = 50

ALREADY_GONE = "That entry has already been thrown away."
WAS_SENT = "This entry was sent, so it stays in the portfolio."


class DraftError(KindError):
    """A draft that cannot be thrown away, with a kind sentence to show."""


def never_sent(experience: Experience) -> bool:
    """Only a draft that never left the learner may be thrown away; a sent-back entry was sent."""
    return (experience.status == ExperienceStatus.DRAFT.value and experience.submitted_at is None
            and experience.shared_at is None)


def _never_sent_condition() -> ColumnElement[bool]:
    return and_(Experience.status == ExperienceStatus.DRAFT.value, Experience.submitted_at.is_(None),
                Experience.shared_at.is_(None))


def fold_cutoff(now: datetime) -> datetime:
    """Drafts last changed at or before this moment are unfinished (exactly 14 days counts)."""
    return now - UNFINISHED_AFTER


def unfinished_condition(now: datetime) -> ColumnElement[bool]:
    """The SQL form of "a never-sent draft untouched for 14 days"."""
    return and_(_never_sent_condition(), Experience.updated_at <= fold_cutoff(now))


def not_unfinished_condition(cutoff: datetime) -> ColumnElement[bool]:
    """For the portfolio list: every entry except the folded drafts (``cutoff`` from ``fold_cutoff``)."""
    return not_(and_(_never_sent_condition(), Experience.updated_at <= cutoff))


def is_unfinished(experience: Experience, now: datetime) -> bool:
    return never_sent(experience) and experience.updated_at <= fold_cutoff(now)


def _unfinished_statement(learner: User, now: datetime):  # type: ignore[no-untyped-def]
    return select(Experience).where(Experience.learner_id == learner.id, unfinished_condition(now))


def count_unfinished(dbs: Session, learner: User, now: datetime) -> int:
    counted = _unfinished_statement(learner, now).with_only_columns(func.count(Experience.id))
    return int(dbs.scalar(counted) or 0)


def unfinished(dbs: Session, learner: User, now: datetime) -> list[Experience]:
    """The folded drafts, the most recently touched first, with what their cards show."""
    statement = (_unfinished_statement(learner, now)
                 .options(selectinload(Experience.photos), selectinload(Experience.tags),
                          selectinload(Experience.voice))
                 .order_by(Experience.updated_at.desc(), Experience.id.desc())
                 .limit(UNFINISHED_SHOWN))
    return list(dbs.scalars(statement))


def find_draft(dbs: Session, learner: User, experience_id: int) -> Experience:
    """The learner's draft by id, refusing in words an entry already gone (a double tap) or one that was sent."""
    experience = dbs.get(Experience, experience_id)
    if experience is None or experience.learner_id != learner.id:
        raise DraftError(ALREADY_GONE)
    if not never_sent(experience):
        raise DraftError(WAS_SENT)
    return experience


def discard(dbs: Session, experience: Experience, actor: User) -> MediaChange:
    """Remove a never-sent draft with its photos and recording. The files are in ``replaced``, so
    they are deleted only once the commit has succeeded. The audit listener records the rows."""
    if not never_sent(experience):
        raise DraftError(WAS_SENT)
    if actor.role_enum is Role.PARENT or (actor.role_enum is Role.LEARNER and actor.id != experience.learner_id):
        raise DraftError("Only the learner and their staff can throw a draft away.")
    files: list[MediaFile] = [media for photo in experience.photos for media in (photo.display, photo.thumb)]
    if experience.voice is not None:
        files.append(experience.voice)
    change = MediaChange(replaced=[media.key for media in files])
    for notice in dbs.scalars(select(Notice).where(Notice.record_kind == Experience.__tablename__,
                                                   Notice.record_id == experience.id)):
        dbs.delete(notice)
    dbs.delete(experience)
    dbs.flush()
    for media in files:
        dbs.delete(media)
    dbs.flush()
    return change


def throw_away(dbs: Session, learner: User, experience_id: int, actor: User) -> MediaChange:
    """The learner's "Yes, throw it away": find the draft, then remove it."""
    return discard(dbs, find_draft(dbs, learner, experience_id), actor)


def clear_unfinished(dbs: Session, learner: User, actor: User, now: datetime) -> tuple[int, MediaChange]:
    """Staff tidy up: throw away every never-sent draft of this learner untouched for 14 days."""
    change, count = MediaChange(), 0
    for experience in dbs.scalars(_unfinished_statement(learner, now).order_by(Experience.id)).all():
        change.add(discard(dbs, experience, actor))
        count += 1
    return count, change
