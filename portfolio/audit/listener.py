"""Recording every change to a learner's data in one place: the session's flush.

Services never call the trail for ordinary changes; whatever they add, change or remove is seen
here when the session flushes, so a new service cannot forget. Changes and removals are read
before the flush (while the rows and their parents are still in the database); new rows after
it, once they have their ids. The events join the same transaction, so a change that rolls back
leaves no event.

Who acted comes from the session's ``info``: web glue calls :func:`act_as` at the start of a
request; commands and background work set nothing and are recorded as "system".
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import MANYTOONE, Session, UOWTransaction

from portfolio.audit import log
from portfolio.audit.owners import owner_of
from portfolio.models import Role, User

ACTOR_KEY = "audit_actor"
ROLE_KEY = "audit_actor_role"
SEEN_KEY = "audit_seen"
VISITOR = "visitor"  # someone with a secret link, not signed in


@dataclass(frozen=True)
class Seen:
    """One change noticed before the flush, written as an event after it."""

    action: str
    table: str
    record_id: int | None
    learner_id: int | None
    school_id: int | None
    detail: str = ""


def act_as(dbs: Session, actor: User | None, role: str | None = None) -> None:
    """Changes made through this session from now on are this person's (or ``role``'s when no one)."""
    dbs.info[ACTOR_KEY] = actor
    dbs.info[ROLE_KEY] = role


_installed = False


def install() -> None:
    """Listen on every session, once per process (create_app may run many times in tests)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    _installed = True


def _table(row: Any) -> str:
    return str(row.__table__.name)


def _record_id(row: Any) -> int | None:
    identity = inspect(row).mapper.primary_key_from_instance(row)
    return identity[0] if len(identity) == 1 and isinstance(identity[0], int) else None


def _seen(action: str, row: Any, detail: str = "") -> Seen | None:
    table = _table(row)
    owner = owner_of(table, row)
    if owner is None:
        return None
    return Seen(action, table, _record_id(row), owner[0], owner[1], detail)


def _changed_fields(row: Any) -> tuple[list[str], list[str]]:
    """The names of the columns that changed, and of the many-to-many links that changed."""
    state = inspect(row)
    columns = [attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()]
    links: list[str] = []
    for rel in state.mapper.relationships:
        if not state.attrs[rel.key].history.has_changes():
            continue
        if rel.secondary is not None:
            links.append(rel.key)
        elif rel.direction is MANYTOONE:  # set through the relationship: the column changes at the flush
            columns += [column.key for column in rel.local_columns if column.key not in columns]
    return columns, links


def _parent_links(row: User, key: str) -> list[Seen]:
    """A parent linked to or unlinked from a learner goes on the learner's own trail."""
    found = []
    history = inspect(row).attrs[key].history
    for action, others in (("created", history.added), ("removed", history.deleted)):
        for other in others:
            parent, learner = (row, other) if key == "children" else (other, row)
            found.append(Seen(action, "parent_links", parent.id, learner.id, learner.school_id, "parent_id"))
    return found


def _dirty(row: Any) -> list[Seen]:
    columns, links = _changed_fields(row)
    if isinstance(row, User):  # parent links are their own events (after the flush); staff groups are not data
        links = [key for key in links if key not in ("children", "parents", "staff_groups")]
    if columns or links:
        seen = _seen("changed", row, ", ".join(columns + links))
        if seen is not None:
            return [seen]
    return []


def _links_of_people(rows: Iterable[Any]) -> list[Seen]:
    """Parent links made or ended in this flush, read after it so that new people have their ids."""
    found: list[Seen] = []
    for row in rows:
        if isinstance(row, User):
            for key in ("children", "parents"):
                if inspect(row).attrs[key].history.has_changes():
                    found += _parent_links(row, key)
    return found


def _before_flush(dbs: Session, _context: UOWTransaction, _instances: Any) -> None:
    seen: list[Seen] = []
    for row in dbs.dirty:
        if dbs.is_modified(row):
            seen += _dirty(row)
    for row in dbs.deleted:
        removed = _seen("removed", row)
        if removed is not None:
            seen.append(removed)
    dbs.info[SEEN_KEY] = seen


def _after_flush(dbs: Session, context: UOWTransaction) -> None:
    seen: list[Seen] = dbs.info.pop(SEEN_KEY, [])
    removed_before = {(s.table, s.record_id) for s in seen if s.action == "removed"}
    for row in dbs.new:
        created = _seen("created", row)
        if created is not None:
            seen.append(created)
    seen += _links_of_people(itertools.chain(dbs.new, dbs.dirty))
    # Rows removed from a parent's list (delete-orphan) are only known once the flush has run; the
    # "change" noticed before it (no parent any more) was the removal.
    for state, (is_delete, list_only) in context.states.items():
        if is_delete and not list_only and state.obj() is not None:
            orphan = _seen("removed", state.obj())
            if orphan is not None and (orphan.table, orphan.record_id) not in removed_before:
                seen = [s for s in seen if (s.table, s.record_id) != (orphan.table, orphan.record_id)]
                seen.append(orphan)
    # Parent links are noticed from both sides when both are loaded; keep one of each.
    unique = list(dict.fromkeys(seen))
    if unique:
        _write(dbs, unique)


def _write(dbs: Session, seen: list[Seen]) -> None:
    actor = dbs.info.get(ACTOR_KEY)
    role = dbs.info.get(ROLE_KEY)
    for item in seen:
        log.record(dbs, action=item.action, record_kind=item.table, record_id=item.record_id,
                   learner_id=item.learner_id, school_id=item.school_id, actor=actor, detail=item.detail,
                   actor_role=role if actor is None else None)


def actor_role_label(role: str) -> str:
    """How a role is named on the trail when no person's name is shown."""
    return {Role.LEARNER.value: "the learner", Role.PARENT.value: "a parent", log.SYSTEM: "system",
            VISITOR: "someone with a link"}.get(role, role)
