"""Erasing a learner, or one of their entries, for good.

Rows are removed with plain DELETE statements in the order their foreign keys need, so the result
does not depend on any ORM cascade or on the database honouring ``ON DELETE``. Files are never
deleted here: every storage key found goes into the returned ``MediaChange.replaced``, and the
caller's ``commit`` deletes them only once the rows are gone for good (a failed commit keeps both).

One tombstone goes to the audit trail: action "erased", the ids, and a fixed reason ("by admin",
"retention"). It carries no name, words or pictures, so the trail itself holds nothing personal.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect, or_, select
from sqlalchemy.orm import Session

from portfolio.audit import log as audit
from portfolio.errors import KindError
from portfolio.media.changes import MediaChange
from portfolio.models import (
    AccessSetting,
    ActivityParticipant,
    Destination,
    EmployerFeedback,
    Experience,
    ExperiencePhoto,
    ExperienceTag,
    FamilyComment,
    FeedbackAccess,
    ImportRecord,
    Job,
    LearnerRecord,
    LoginCard,
    MediaFile,
    NextStep,
    Notice,
    PassportStatement,
    PhotoConsent,
    PlanOption,
    ReviewMedia,
    ReviewPack,
    Role,
    ShareAccess,
    ShareLink,
    SignIn,
    SyncKey,
    TransitionPlan,
    User,
    parent_links,
    passport_evidence,
    plan_option_experiences,
    staff_groups,
)

BY_ADMIN = "by admin"
RETENTION = "retention"
NOT_THE_NAME = ("The name you typed does not match this learner's name. Type their full name exactly as this "
                "page shows it, then press Erase for ever.")


@dataclass
class Erasure:
    """What one erasure removes: row ids by table, and the files to delete after the commit."""

    learner_id: int
    school_id: int
    rows: dict[str, set[int]] = field(default_factory=dict)
    change: MediaChange = field(default_factory=MediaChange)

    def add(self, table: str, ids: Iterable[int | None]) -> set[int]:
        found = {i for i in ids if i is not None}
        self.rows.setdefault(table, set()).update(found)
        return found

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))

    @property
    def file_count(self) -> int:
        return len(self.change.replaced)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def check_name(learner: User, typed: str) -> None:
    """The careers leader types the learner's full name: a slip of the hand cannot erase anyone."""
    if not typed.strip() or _normal(typed) != _normal(learner.display_name):
        raise KindError(NOT_THE_NAME)


def _ids(dbs: Session, column: Any, *where: Any) -> set[int]:
    return set(dbs.scalars(select(column).where(*where)))


# Finding what belongs to a learner ----------------------------------------------------------------

def _entry_parts(dbs: Session, found: Erasure, entry_ids: set[int]) -> set[int]:
    """The rows and media ids under these entries: photos, tags, family comments and their voices."""
    media: set[int] = set()
    if not entry_ids:
        return media
    media |= _ids(dbs, Experience.voice_id, Experience.id.in_(entry_ids))
    photos = dbs.execute(select(ExperiencePhoto.id, ExperiencePhoto.display_id, ExperiencePhoto.thumb_id)
                         .where(ExperiencePhoto.experience_id.in_(entry_ids))).all()
    found.add("experience_photos", (p.id for p in photos))
    media |= {p.display_id for p in photos} | {p.thumb_id for p in photos}
    found.add("experience_tags", _ids(dbs, ExperienceTag.id, ExperienceTag.experience_id.in_(entry_ids)))
    comments = dbs.execute(select(FamilyComment.id, FamilyComment.voice_id)
                           .where(FamilyComment.experience_id.in_(entry_ids))).all()
    found.add("family_comments", (c.id for c in comments))
    media |= {c.voice_id for c in comments if c.voice_id is not None}
    return {m for m in media if m is not None}


def _learner_parts(dbs: Session, found: Erasure, learner_id: int) -> set[int]:
    """Every row that is the learner's, table by table, and the media ids they point at."""
    entries = found.add("experiences", _ids(dbs, Experience.id, Experience.learner_id == learner_id))
    media = _entry_parts(dbs, found, entries)
    statements = dbs.execute(select(PassportStatement.id, PassportStatement.voice_id)
                             .where(PassportStatement.learner_id == learner_id)).all()
    found.add("passport_statements", (s.id for s in statements))
    media |= {s.voice_id for s in statements if s.voice_id is not None}
    plans = found.add("transition_plans", _ids(dbs, TransitionPlan.id, TransitionPlan.learner_id == learner_id))
    found.add("plan_options", _ids(dbs, PlanOption.id, PlanOption.plan_id.in_(plans)))
    found.add("next_steps", _ids(dbs, NextStep.id, NextStep.plan_id.in_(plans)))
    packs = found.add("review_packs", _ids(dbs, ReviewPack.id, ReviewPack.learner_id == learner_id))
    copies = dbs.execute(select(ReviewMedia.id, ReviewMedia.media_id).where(ReviewMedia.pack_id.in_(packs))).all()
    found.add("review_media", (c.id for c in copies))
    media |= {c.media_id for c in copies}
    links = found.add("share_links", _ids(dbs, ShareLink.id, ShareLink.learner_id == learner_id))
    found.add("share_accesses", _ids(dbs, ShareAccess.id, ShareAccess.link_id.in_(links)))
    media |= _feedback_parts(dbs, found, learner_id)
    for table, column in (("photo_consents", PhotoConsent.learner_id), ("learner_records", LearnerRecord.learner_id)):
        found.add(table, _ids(dbs, column, column == learner_id))
    found.add("destinations", _ids(dbs, Destination.id, Destination.learner_id == learner_id))
    found.add("login_cards", _ids(dbs, LoginCard.id, LoginCard.learner_id == learner_id))
    found.add("sign_ins", _ids(dbs, SignIn.id, SignIn.user_id == learner_id))
    found.add("import_records", _ids(dbs, ImportRecord.id, ImportRecord.learner_id == learner_id))
    found.add("notices", _ids(dbs, Notice.id, Notice.learner_id == learner_id))
    found.add("sync_keys", _ids(dbs, SyncKey.id, SyncKey.learner_id == learner_id))
    found.add("access_settings", _ids(dbs, AccessSetting.id, AccessSetting.learner_id == learner_id))
    jobs = dbs.execute(select(Job.id, Job.result_media_id)
                       .where(or_(Job.learner_id == learner_id, Job.owner_id == learner_id))).all()
    found.add("jobs", (j.id for j in jobs))
    media |= {j.result_media_id for j in jobs if j.result_media_id is not None}
    found.add("parent_links", _ids(dbs, parent_links.c.parent_id, parent_links.c.learner_id == learner_id))
    return media


def _feedback_parts(dbs: Session, found: Erasure, learner_id: int) -> set[int]:
    """Taking part in careers activities, and what employers said about it through their links."""
    taking_part = found.add("activity_participants",
                            _ids(dbs, ActivityParticipant.id, ActivityParticipant.learner_id == learner_id))
    said = dbs.execute(select(EmployerFeedback.id, EmployerFeedback.voice_id)
                       .where(EmployerFeedback.participant_id.in_(taking_part))).all()
    feedback = found.add("employer_feedback", (f.id for f in said))
    found.add("feedback_accesses", _ids(dbs, FeedbackAccess.id, FeedbackAccess.feedback_id.in_(feedback)))
    return {f.voice_id for f in said if f.voice_id is not None}


def _files(dbs: Session, found: Erasure, media_ids: set[int]) -> None:
    rows = dbs.execute(select(MediaFile.id, MediaFile.key).where(MediaFile.id.in_(media_ids))).all()
    found.add("media_files", (r.id for r in rows))
    found.change.replaced.extend(sorted(r.key for r in rows))


def plan_learner(dbs: Session, learner: User) -> Erasure:
    """Everything erasing this learner removes, without removing it: the confirm page and the
    retention listing show these counts."""
    if learner.role_enum is not Role.LEARNER:
        raise KindError("Only a learner's records can be erased here.")
    found = Erasure(learner_id=learner.id, school_id=learner.school_id)
    _files(dbs, found, _learner_parts(dbs, found, learner.id))
    found.add("users", [learner.id])
    return found


def _entry_copies(dbs: Session, found: Erasure, entry: Experience) -> set[int]:
    """The copies a finalised review pack made of this entry's photo and recording."""
    copies: set[int] = set()
    packs = dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == entry.learner_id,
                                                 ReviewPack.snapshot.is_not(None)))
    for pack in packs:
        for item in (pack.snapshot or {}).get("done", []):
            if item.get("id") == entry.id:
                copies |= {(item.get("photo") or {}).get("media"), item.get("voice")} - {None}
    if copies:
        found.add("review_media", _ids(dbs, ReviewMedia.id, ReviewMedia.media_id.in_(copies)))
    return copies


def plan_entry(dbs: Session, entry: Experience) -> Erasure:
    """Everything erasing one entry removes: its rows, its files and its copies in final review packs."""
    found = Erasure(learner_id=entry.learner_id, school_id=entry.school_id)
    found.add("experiences", [entry.id])
    media = _entry_parts(dbs, found, {entry.id}) | _entry_copies(dbs, found, entry)
    found.add("notices", _ids(dbs, Notice.id, Notice.record_kind == "experiences", Notice.record_id == entry.id))
    found.add("sync_keys", _ids(dbs, SyncKey.id, SyncKey.experience_id == entry.id))
    _files(dbs, found, media)
    return found


# Removing -----------------------------------------------------------------------------------------

# Children before parents, so no foreign key is ever left pointing at a removed row.
_ORDER: tuple[tuple[str, Any], ...] = (
    ("feedback_accesses", FeedbackAccess.id), ("employer_feedback", EmployerFeedback.id), ("sync_keys", SyncKey.id),
    ("activity_participants", ActivityParticipant.id), ("share_accesses", ShareAccess.id),
    ("share_links", ShareLink.id), ("review_media", ReviewMedia.id), ("review_packs", ReviewPack.id),
    ("family_comments", FamilyComment.id), ("experience_photos", ExperiencePhoto.id),
    ("experience_tags", ExperienceTag.id), ("experiences", Experience.id), ("next_steps", NextStep.id),
    ("plan_options", PlanOption.id), ("transition_plans", TransitionPlan.id),
    ("passport_statements", PassportStatement.id), ("photo_consents", PhotoConsent.learner_id),
    ("learner_records", LearnerRecord.learner_id), ("destinations", Destination.id), ("login_cards", LoginCard.id),
    ("sign_ins", SignIn.id), ("import_records", ImportRecord.id), ("jobs", Job.id), ("notices", Notice.id),
    ("access_settings", AccessSetting.id), ("media_files", MediaFile.id),
)

# Every table erasure empties of the learner: the rows above, the link tables and the account itself.
ERASED_TABLES = frozenset({table for table, _ in _ORDER} | {"passport_evidence", "plan_option_experiences",
                                                             "parent_links", "staff_groups", "users"})


def _remove(dbs: Session, found: Erasure) -> None:
    entries = found.rows.get("experiences", set())
    statements = found.rows.get("passport_statements", set())
    options = found.rows.get("plan_options", set())
    dbs.execute(delete(passport_evidence).where(or_(passport_evidence.c.experience_id.in_(entries),
                                                    passport_evidence.c.statement_id.in_(statements))))
    dbs.execute(delete(plan_option_experiences).where(or_(plan_option_experiences.c.experience_id.in_(entries),
                                                          plan_option_experiences.c.option_id.in_(options))))
    for table, column in _ORDER:
        ids = found.rows.get(table)
        if ids:
            dbs.execute(delete(column.class_).where(column.in_(ids)).execution_options(synchronize_session=False))
    if "users" in found.rows:
        dbs.execute(delete(parent_links).where(parent_links.c.learner_id == found.learner_id))
        dbs.execute(delete(staff_groups).where(staff_groups.c.staff_id == found.learner_id))
        dbs.execute(delete(User).where(User.id == found.learner_id).execution_options(synchronize_session=False))
    _forget_loaded(dbs, found)


def _forget_loaded(dbs: Session, found: Erasure) -> None:
    """Detach the objects whose rows were just deleted, so nothing loaded before is written back;
    everything else in the session (the actor, events waiting to be written) stays as it was."""
    for obj in list(dbs.identity_map.values()):
        identity = inspect(obj).identity or ()
        table = getattr(obj, "__tablename__", "")
        if identity and identity[0] in found.rows.get(table, ()) and obj in dbs:
            dbs.expunge(obj)


def _forget_entry_elsewhere(dbs: Session, entry_id: int, learner_id: int) -> None:
    """Take the entry out of the learner's share links and review packs (ids in JSON lists, and the
    copied words of final packs), so a later entry given the same id is never shared by mistake."""
    for link in dbs.scalars(select(ShareLink).where(ShareLink.learner_id == learner_id)):
        if entry_id in (link.experience_ids or []):
            link.experience_ids = [i for i in link.experience_ids if i != entry_id]
    for pack in dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == learner_id)):
        if entry_id in (pack.left_out or []):
            pack.left_out = [i for i in pack.left_out if i != entry_id]
        if pack.snapshot:
            pack.snapshot = _without_entry(pack.snapshot, entry_id)
    dbs.flush()


def _drop_one(lines: list[Any], wanted: Any) -> list[Any]:
    kept = list(lines)
    if wanted in kept:
        kept.remove(wanted)
    return kept


def _without_entry(document: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """A final pack's document without the entry and the lines the pack made from it."""
    gone = [item for item in document.get("done", []) if item.get("id") == entry_id]
    if not gone:
        return document
    changed = dict(document, done=[item for item in document["done"] if item.get("id") != entry_id])
    for item in gone:
        feeling = (item.get("feeling") or {}).get("key")
        for group, start in (("liked", "I liked: "), ("disliked", "I did not like: ")):
            changed[group] = _drop_one(changed.get(group, []), {"text": start + item["headline"], "symbol": feeling})
        changed["working"] = _drop_one(changed.get("working", []), f"I did this on my own: {item['headline']}")
    return changed


def _tombstone(dbs: Session, found: Erasure, kind: str, record_id: int, actor: User | None, reason: str) -> None:
    audit.record(dbs, action="erased", record_kind=kind, record_id=record_id, learner_id=found.learner_id,
                 school_id=found.school_id, actor=actor, detail=reason)


def erase_learner(dbs: Session, learner: User, actor: User | None, typed_name: str | None,
                  reason: str = BY_ADMIN) -> Erasure:
    """Remove the learner and everything that is theirs; the caller commits with ``result.change``.

    ``typed_name`` is what the careers leader typed to confirm (None only for the retention command).
    Their sign-ins go with them, so any tablet or browser still signed in as them is signed out at once.
    """
    if typed_name is not None:
        check_name(learner, typed_name)
    found = plan_learner(dbs, learner)
    _remove(dbs, found)
    _tombstone(dbs, found, "learner", found.learner_id, actor, reason)
    dbs.flush()
    return found


def erase_entry(dbs: Session, entry: Experience, actor: User, typed_name: str) -> Erasure:
    """Remove one entry with its photos, recordings, comments and copies in final review packs."""
    check_name(entry.learner, typed_name)
    found = plan_entry(dbs, entry)
    _forget_entry_elsewhere(dbs, entry.id, entry.learner_id)
    _remove(dbs, found)
    _tombstone(dbs, found, "experiences", entry.id, actor, BY_ADMIN)
    dbs.flush()
    return found


def forget_speech(folder: Path) -> int:
    """Delete every cached MP3 of private words; call it after the erasure has been committed.

    The cache is keyed by a hash of the spoken text alone, and pages speak sentences built around a
    name ("Hand over to Sam", "Sam's experiences") that cannot be listed from the rows. So the whole
    private cache goes: it is only a cache, and any other learner's words are spoken again on the next
    tap. Files still being written (``.part``) are left for their writer.
    """
    removed = 0
    for path in Path(folder).glob("*.mp3") if Path(folder).is_dir() else ():
        path.unlink(missing_ok=True)
        removed += 1
    return removed
