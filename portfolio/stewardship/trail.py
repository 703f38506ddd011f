"""A learner's audit trail as the careers leader reads it: newest first, fifty at a time, filtered by
what happened, to which kind of record and when, and as a CSV file.

The trail holds ids and kinds only; names are looked up as it is shown. Staff are named (they act
for the school); the learner, parents, the system and people with a secret link are named by role,
so the trail never becomes a list of family members.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.audit import log as audit_log
from portfolio.audit.listener import actor_role_label
from portfolio.errors import KindError
from portfolio.models import AuditEvent, Role, User

PAGE_SIZE = 50
LARGEST_ID = db.LARGEST_ID  # beyond it the database cannot compare; such a "before" means the start

ACTIONS: dict[str, str] = {
    "created": "Added",
    "changed": "Changed",
    "removed": "Removed",
    "viewed": "Opened",
    "exported": "Downloaded",
    "imported": "Imported",
    "erased": "Erased",
}

KINDS: dict[str, str] = {
    "users": "Account",
    "parent_links": "Parent or carer link",
    "login_cards": "Login card",
    "experiences": "Entry",
    "experience_tags": "Entry symbols",
    "experience_photos": "Entry photo",
    "family_comments": "Comment from home",
    "passport_statements": "Passport statement",
    "photo_consents": "Photo consent",
    "share_links": "About me link",
    "import_records": "Portfolio import",
    "transition_plans": "Transition plan",
    "plan_options": "Plan option",
    "next_steps": "Next step",
    "review_packs": "Annual review pack",
    "review_media": "Review pack copy",
    "activity_participants": "Place on a careers activity",
    "employer_feedback": "Employer feedback",
    "learner_records": "Learner record",
    "destinations": "Destination",
    "access_settings": "Access settings",
    "audit_events": "Audit trail",
}

CSV_HEADER = ("When (UTC)", "Who", "Role", "What", "Record", "Record id", "Fields or reason")
BAD_DATE = "Please give the dates as day, month and year, for example 2026-09-01."


@dataclass(frozen=True)
class TrailFilters:
    action: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as they go back into a link (Show more, the CSV download)."""
        values = {"action": self.action, "kind": self.kind,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class TrailRow:
    event_id: int
    at: datetime
    who: str
    role: str
    action: str
    kind: str
    record_id: int | None
    detail: str


@dataclass(frozen=True)
class TrailPage:
    learner: User
    filters: TrailFilters
    rows: list[TrailRow]
    more_before: int | None  # the id to page on from, when there is more
    breaks: list[int]  # events in the school's chain that no longer match


def _day(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise KindError(BAD_DATE) from None


def read_filters(args: Mapping[str, str]) -> TrailFilters:
    """The filters from the page's GET form. Unknown choices are ignored; a date that is not one is refused."""
    action = (args.get("action") or "").strip()
    kind = (args.get("kind") or "").strip()
    return TrailFilters(action=action if action in ACTIONS else None, kind=kind if kind in KINDS else None,
                        date_from=_day(args.get("from")), date_to=_day(args.get("to")))


def _query(learner: User, filters: TrailFilters) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).where(AuditEvent.school_id == learner.school_id, AuditEvent.learner_id == learner.id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.kind:
        query = query.where(AuditEvent.record_kind == filters.kind)
    if filters.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(AuditEvent.at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return query.order_by(AuditEvent.id.desc())


def _names(dbs: Session, events: list[AuditEvent]) -> dict[int, User]:
    ids = {event.actor_id for event in events if event.actor_id is not None}
    return {user.id: user for user in dbs.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _who(event: AuditEvent, learner: User, people: dict[int, User]) -> str:
    """Staff by name; the learner, a parent, the system or a link visitor by role."""
    if event.actor_id == learner.id:
        return "the learner"
    person = people.get(event.actor_id) if event.actor_id is not None else None
    if event.actor_role in (Role.STAFF.value, Role.ADMIN.value):
        return person.display_name if person is not None else "a member of staff (account removed)"
    return actor_role_label(event.actor_role)


def _rows(dbs: Session, learner: User, events: list[AuditEvent]) -> list[TrailRow]:
    people = _names(dbs, events)
    return [TrailRow(event.id, event.at, _who(event, learner, people), event.actor_role,
                     ACTIONS.get(event.action, event.action), KINDS.get(event.record_kind, event.record_kind),
                     event.record_id, event.detail) for event in events]


def trail_page(dbs: Session, learner: User, filters: TrailFilters, before: int | None = None) -> TrailPage:
    """Fifty events, newest first, older than event ``before`` when paging on; and the chain's breaks."""
    query = _query(learner, filters)
    if before is not None and before <= LARGEST_ID:
        query = query.where(AuditEvent.id < before)
    events = list(dbs.scalars(query.limit(PAGE_SIZE + 1)))
    more = events[PAGE_SIZE - 1].id if len(events) > PAGE_SIZE else None
    return TrailPage(learner, filters, _rows(dbs, learner, events[:PAGE_SIZE]), more,
                     audit_log.chain_breaks(dbs, learner.school_id))


def trail_csv(dbs: Session, learner: User, filters: TrailFilters, actor: User) -> list[tuple[object, ...]]:
    """Every event that fits the filters, as CSV rows. The download itself goes on the trail (the caller commits)."""
    rows = _rows(dbs, learner, list(dbs.scalars(_query(learner, filters))))
    audit_log.record(dbs, action="exported", record_kind="audit_events", learner_id=learner.id,
                     school_id=learner.school_id, actor=actor, detail="audit trail CSV")
    return [(row.at.replace(microsecond=0).isoformat(sep=" "), row.who, row.role, row.action, row.kind,
             row.record_id, row.detail) for row in rows]


def csv_name(learner: User, today: date) -> str:
    return f"audit-trail-learner-{learner.id}-{today.isoformat()}.csv"
