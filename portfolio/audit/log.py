"""Writing to the audit trail.

Every event goes through :func:`record`, in the same transaction as the change it describes, so a
change that rolls back leaves no event and an event never describes a change that did not happen.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.models import AuditEvent, User, utcnow

SYSTEM = "system"  # the actor role for commands and background work


def _digest(previous: str, event: AuditEvent) -> str:
    """A hash over the previous event's digest and this event's fields: a changed row breaks the chain."""
    parts = [previous, event.at.isoformat(), str(event.school_id), str(event.actor_id), event.actor_role,
             str(event.learner_id), event.action, event.record_kind, str(event.record_id), event.detail]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def last_digest(dbs: Session, school_id: int | None) -> str:
    """The newest digest in a school's chain ("" before the first event)."""
    query = select(AuditEvent.digest).where(AuditEvent.school_id == school_id)
    return dbs.scalar(query.order_by(AuditEvent.id.desc()).limit(1)) or ""


def record(
    dbs: Session,
    *,
    action: str,
    record_kind: str,
    record_id: int | None = None,
    learner_id: int | None = None,
    school_id: int | None = None,
    actor: User | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one event to the session; it is written when the caller commits.

    ``detail`` must hold no personal text: field names, counts or a short fixed reason only.
    """
    event = AuditEvent(
        at=utcnow(),
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else SYSTEM,
        learner_id=learner_id,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        detail=detail[:500],
    )
    event.digest = _digest(last_digest(dbs, event.school_id), event)
    dbs.add(event)
    return event


def chain_breaks(dbs: Session, school_id: int | None) -> list[int]:
    """The ids of events whose digest no longer matches: each one was changed, or one before it removed."""
    broken: list[int] = []
    previous = ""
    query = select(AuditEvent).where(AuditEvent.school_id == school_id).order_by(AuditEvent.id)
    for event in dbs.scalars(query):
        if event.digest != _digest(previous, event):
            broken.append(event.id)
        previous = event.digest
    return broken
