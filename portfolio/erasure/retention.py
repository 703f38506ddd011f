"""The retention rule: how long a leaver's portfolio is kept, and erasing those past it.

The rule, in one place:

* A learner is kept while they are on the school's roll (no leaving date in their record).
* Once they have left, they are kept for ``RETENTION_YEARS_AFTER_LEAVING`` years from the leaving date.
* After that they are due for erasure, unless the learner or their family said yes to keeping in touch
  (``LearnerRecord.keep_in_touch`` is True, the destinations consent). Then they are kept for as long
  as that consent stands; when it is withdrawn (set to no, or cleared) they are due at once.

A learner with no record at all has no leaving date, so is never erased by this rule; the careers leader
erases by hand when asked to.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.erasure import service as erasure
from portfolio.media.changes import MediaChange
from portfolio.models import LearnerRecord, Role, User


@dataclass
class Due:
    """One leaver past the retention period, with what erasing them would remove."""

    learner_id: int
    school_id: int
    left_on: date
    plan: erasure.Erasure

    def describe(self) -> str:
        rows = sum(len(ids) for ids in self.plan.rows.values())
        return (f"learner {self.learner_id} (school {self.school_id}), left {self.left_on.isoformat()}: "
                f"{self.plan.count('experiences')} entries, {self.plan.file_count} files, {rows} rows")


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def due_for_erasure(dbs: Session, today: date, years: int) -> list[Due]:
    """Every leaver whose leaving date is ``years`` or more before ``today`` and who has no consent to
    keep in touch, oldest leaver first."""
    cutoff = years_before(today, years)
    query = (select(User, LearnerRecord.left_on).join(LearnerRecord, LearnerRecord.learner_id == User.id)
             .where(User.role == Role.LEARNER.value, LearnerRecord.left_on.is_not(None),
                    LearnerRecord.left_on <= cutoff, LearnerRecord.keep_in_touch.is_not(True))
             .order_by(LearnerRecord.left_on, User.id))
    return [Due(learner.id, learner.school_id, left_on, erasure.plan_learner(dbs, learner))
            for learner, left_on in dbs.execute(query).all()]


def erase_due(dbs: Session, due: Due) -> MediaChange:
    """Erase one leaver under the retention rule, with a tombstone whose actor is the system.
    The caller commits with the returned change, one leaver at a time."""
    learner = dbs.get(User, due.learner_id)
    if learner is None:
        return MediaChange()
    return erasure.erase_learner(dbs, learner, None, None, reason=erasure.RETENTION).change
