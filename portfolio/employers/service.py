"""The school's directory of employers and providers."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.models import Employer


def choices(session: Session, school_id: int) -> list[Employer]:
    """Employers staff may choose for an activity: the school's own, switched on and not merged away.

    Callers flag ``employer.risk_overdue(today)`` beside each one wherever it is chosen.
    """
    return list(session.scalars(
        select(Employer)
        .where(Employer.school_id == school_id, Employer.active.is_(True), Employer.merged_into_id.is_(None))
        .order_by(Employer.name)
    ))
