"""Writing to the audit trail.

Every event goes through :func:`record`, in the same transaction as the change it describes, so a
change that rolls back leaves no event and an event never describes a change that did not happen.

The digest that chains an event to the one before it is worked out when the event is written
(:func:`chain_new_events`, run after each flush), not when it is made: by then the transaction
holds the school's chain lock, so two workers writing at once cannot both chain to the same
event and leave a false break. On SQLite that lock is the database's one write lock. PostgreSQL
lets transactions write side by side, so :func:`record` takes a transaction-long advisory lock on
the school's chain before its event is inserted (and so before it gets its id).
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import bindparam, event, inspect, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portfolio.models import AuditEvent, User, utcnow

SYSTEM = "system"  # the actor role for commands and background work
CHAIN_LOCKS = 0x61756474  # the first key of every school chain's advisory lock on PostgreSQL ("audt")


def _digest(previous: str, item: AuditEvent) -> str:
    """A hash over the previous event's digest and this event's fields: a changed row breaks the chain."""
    parts = [previous, item.at.isoformat(), str(item.school_id), str(item.actor_id), item.actor_role,
             str(item.learner_id), item.action, item.record_kind, str(item.record_id), item.detail]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def last_digest(dbs: Session, school_id: int | None) -> str:
    """The newest digest in a school's chain ("" before the first event)."""
    query = select(AuditEvent.digest).where(_same_school(school_id))
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
    actor_role: str | None = None,
) -> AuditEvent:
    """Add one event to the session; it is written when the caller commits.

    ``detail`` must hold no personal text: field names, counts or a short fixed reason only.
    ``actor_role`` names who acted when no account did (``"visitor"`` for someone with a link);
    without either, the event is the system's.
    """
    new_event = AuditEvent(
        at=utcnow(),
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else (actor_role or SYSTEM),
        learner_id=learner_id,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        detail=detail[:500],
    )
    _listen_for_writes()
    _hold_chain(dbs, new_event.school_id)
    dbs.add(new_event)
    dbs.info.setdefault(UNCHAINED_KEY, []).append(new_event)
    return new_event


def _hold_chain(dbs: Session, school_id: int | None) -> None:
    """On PostgreSQL, wait until no other transaction is writing this school's chain, and keep it until
    this one ends. Taken before the insert, so ids and digests follow the same order in every school."""
    connection = dbs.connection()
    if connection.dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(CAST(:chains AS integer), CAST(:school AS integer))")
        connection.execute(lock, {"chains": CHAIN_LOCKS, "school": school_id if school_id is not None else 0})


UNCHAINED_KEY = "audit_unchained"
_listening = False


def _listen_for_writes() -> None:
    """Chain events as each flush writes them; set up once per process, on first use."""
    global _listening
    if not _listening:
        event.listen(Session, "after_flush_postexec", chain_new_events)
        event.listen(Session, "after_rollback", forget_unwritten)
        _listening = True


def chain_new_events(dbs: Session, _context: Any = None) -> None:
    """Give each event written by the last flush its digest, in id order, school by school.

    Runs inside the flush's transaction, after the events' rows are inserted, so the chain lock is
    held and no other worker's event can fall between them.
    """
    waiting: list[AuditEvent] = dbs.info.get(UNCHAINED_KEY, [])
    written = [e for e in waiting if inspect(e).persistent]
    if not written:
        return
    dbs.info[UNCHAINED_KEY] = [e for e in waiting if not inspect(e).persistent]
    by_school: dict[int | None, list[AuditEvent]] = {}
    for written_event in sorted(written, key=lambda e: e.id):
        by_school.setdefault(written_event.school_id, []).append(written_event)
    changes = []
    for school_id, events in by_school.items():
        previous = _digest_before(dbs, school_id, events[0].id)
        for written_event in events:
            previous = _digest(previous, written_event)
            set_committed_value(written_event, "digest", previous)
            changes.append({"event_id": written_event.id, "new_digest": previous})
    statement = (update(AuditEvent.__table__).where(AuditEvent.__table__.c.id == bindparam("event_id"))
                 .values(digest=bindparam("new_digest")))
    dbs.connection().execute(statement, changes)


def _digest_before(dbs: Session, school_id: int | None, event_id: int) -> str:
    """The digest of the school's newest event older than ``event_id`` ("" before the first)."""
    query = select(AuditEvent.digest).where(_same_school(school_id), AuditEvent.id < event_id)
    return dbs.connection().scalar(query.order_by(AuditEvent.id.desc()).limit(1)) or ""


def _same_school(school_id: int | None) -> Any:
    column = AuditEvent.__table__.c.school_id
    return column.is_(None) if school_id is None else column == school_id


def forget_unwritten(dbs: Session, *_args: Any) -> None:
    """After a rollback, events that were never written are gone; stop waiting to chain them."""
    dbs.info.pop(UNCHAINED_KEY, None)


def chain_breaks(dbs: Session, school_id: int | None) -> list[int]:
    """The ids of events whose digest no longer matches: each one was changed, or one before it removed."""
    broken: list[int] = []
    previous = ""
    query = select(AuditEvent).where(_same_school(school_id)).order_by(AuditEvent.id)
    for item in dbs.scalars(query):
        if item.digest != _digest(previous, item):
            broken.append(item.id)
        previous = item.digest
    return broken
