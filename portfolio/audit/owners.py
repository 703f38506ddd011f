"""Whose data each table holds: the learner (and school) a row belongs to.

The audit trail and the subject access export both start here. Every table that holds a learner's
data is named in exactly one of four places, and a test walks the schema so that a new table
cannot be left out by accident:

- ``OWNERS``: audited row by row; each entry says how to find the row's learner and school;
- ``LINKS``: many-to-many tables, audited through the row that owns the link;
- ``LOGS``: records of who opened what, kept as they are (they are themselves the record);
- ``NOT_LEARNER_DATA``: tables that point at people but hold nothing about a learner, with the reason.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect

from portfolio.models import Role

# (learner id, school id); the learner is None for rows about adults (a TA's or parent's account).
Owner = tuple[int | None, int | None]


def _direct(row: Any) -> Owner:
    """Rows with their own ``learner_id`` and ``school_id`` columns."""
    return row.learner_id, row.school_id


def _person(row: Any) -> Owner:
    """An account: a learner's own row is theirs; an adult's belongs to the school only."""
    return (row.id if row.role == Role.LEARNER.value else None), row.school_id


def _via(parent: str) -> Callable[[Any], Owner]:
    """Rows that belong to a learner through their parent row (a tag through its entry)."""
    def resolve(row: Any) -> Owner:
        found = getattr(row, parent)
        state = inspect(row)
        if found is None:  # taken off its parent's list (and so being removed): the parent it had
            earlier = state.attrs[parent].history.deleted
            found = earlier[0] if earlier else None
        if found is None and state.session is not None:  # new, made with the parent's id alone
            relation = state.mapper.relationships[parent]
            parent_id = getattr(row, next(iter(relation.local_columns)).key)
            found = state.session.get(relation.mapper.class_, parent_id) if parent_id is not None else None
        return (found.learner_id, found.school_id) if found is not None else (None, getattr(row, "school_id", None))
    return resolve


OWNERS: dict[str, Callable[[Any], Owner]] = {
    "users": _person,
    "login_cards": _direct,
    "experiences": _direct,
    "experience_tags": _via("experience"),
    "experience_photos": _via("experience"),
    "family_comments": _via("experience"),
    "passport_statements": _direct,
    "photo_consents": _direct,
    "share_links": _direct,
    "import_records": _direct,
    "transition_plans": _direct,
    "plan_options": _via("plan"),
    "next_steps": _via("plan"),
    "review_packs": _direct,
    "review_media": _via("pack"),
    "activity_participants": _direct,
    "employer_feedback": _via("participant"),
    "learner_records": _direct,
    "destinations": _direct,
    "access_settings": _direct,
}

# Many-to-many tables have no row objects; a change shows on the row that owns the link.
LINKS: dict[str, str] = {
    "parent_links": "its own event on the learner's trail each time a parent is linked or unlinked",
    "passport_evidence": "a change to passport_statements (evidence)",
    "plan_option_experiences": "a change to plan_options (experiences)",
}

# Records of access: they are kept as they are and exported whole, but not audited row by row.
LOGS: dict[str, str] = {
    "sign_ins": "each sign-in, kept for a day after it ends",
    "share_accesses": "each opening of an About me link",
    "feedback_accesses": "each opening or sending of an employer feedback link",
    "audit_events": "the trail itself",
    "notices": "what each adult was told about a learner and when (kinds and ids only, no words)",
    "jobs": "each PDF made and portfolio imported in the background, for whom, and how it went",
    "sync_keys": "which steps of an entry made on a tablet with no Wi-Fi have arrived, and any refused",
}

NOT_LEARNER_DATA: dict[str, str] = {
    "staff_groups": "which groups a member of staff works with",
    "trusted_tablets": "the school's tablets; a member of staff set each up",
    "careers_activities": "the school's plan of activities; a learner's part in one is activity_participants",
    "school_symbols": "the school's own pictures for words; staff added them",
    "notice_preferences": "how often an adult wants notice emails; nothing about a learner",
    "notice_unsubscribes": "the one-tap stop links in an adult's notice emails; nothing about a learner",
    "mail_messages": "emails to adults (parents and staff): invitations, password resets and notices",
    "password_tokens": "hashes of one-time links for an adult to set their own password",
}

# Tables whose rows hold a learner's data once something points at one of these.
PEOPLE_TABLES = frozenset({"users"})


def owner_of(table: str, row: Any) -> Owner | None:
    """The learner and school a row belongs to, or None for a table the trail does not follow."""
    resolve = OWNERS.get(table)
    return resolve(row) if resolve is not None else None


def exported_tables() -> set[str]:
    """Every table a subject access export must cover: audited rows, links and logs."""
    return set(OWNERS) | set(LINKS) | set(LOGS)
