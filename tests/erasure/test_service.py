"""Erasing a learner or an entry removes every row and file that holds them, and leaves one tombstone."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portfolio import db
from portfolio.db import Base
from portfolio.erasure import retention
from portfolio.erasure import service as erasure
from portfolio.errors import KindError
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.storage import media_store
from portfolio.media.sweep import referenced_keys, stored_files
from portfolio.models import (
    AuditEvent,
    Experience,
    LearnerRecord,
    MediaFile,
    ReviewPack,
    ShareLink,
    User,
)
from tests.erasure.builders import fill_every_table
from tests.postgres import deletes_refused
from tests.factories import Entries, World


def pointing_at(learner_id: int) -> dict[str, int]:
    """Rows in any table (but the audit trail) with a column that refers to this person."""
    session = db.session()
    found = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "audit_events":
            continue
        for column in table.columns:
            refers = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            if refers or (table.name == "users" and column.name == "id"):
                count = session.scalar(select(func.count()).select_from(table).where(column == learner_id))
                if count:
                    found[f"{table.name}.{column.name}"] = count
    return found


def orphans_and_missing() -> tuple[set[str], set[str]]:
    on_disk = {item.key for item in stored_files(media_store().root)}  # type: ignore[attr-defined]
    referenced = referenced_keys(db.session())
    return on_disk - referenced, referenced - on_disk


def test_erasing_a_learner_leaves_no_row_no_file_and_one_tombstone(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session, store = db.session(), media_store()
        fill_every_table(session, store, world, entries)
        before = pointing_at(world.learner.id)
        learner = session.get(User, world.learner.id)
        plan = erasure.plan_learner(session, learner)
        # Every table that refers to the learner is one the erasure knows about: a new table is caught here.
        assert {name.split(".")[0] for name in before} - set(plan.rows) == set()
        assert len(plan.change.replaced) >= 9  # photo (2), entry voice, comment voice, statement, feedback, copies
        keys = list(plan.change.replaced)
        admin = session.get(User, world.admin.id)
        result = erasure.erase_learner(session, learner, admin, "  sam PATEL ")
        commit_or_clean_up(session, store, result.change)

        assert pointing_at(world.learner.id) == {}
        assert [key for key in keys if store.exists(key)] == []
        assert orphans_and_missing() == (set(), set())
        assert session.scalar(select(func.count()).select_from(MediaFile).where(MediaFile.key.in_(keys))) == 0
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "erased")).all()
        assert [(e.record_kind, e.record_id, e.detail, e.actor_id) for e in events] == [
            ("learner", world.learner.id, "by admin", world.admin.id)]
        assert session.get(User, world.other_learner.id) is not None  # no one else is touched
        assert session.get(User, world.parent.id) is not None  # the parent keeps their own account


def test_the_trail_keeps_no_words_of_the_erased_learner(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session = db.session()
        fill_every_table(session, media_store(), world, entries)
        result = erasure.erase_learner(session, session.get(User, world.learner.id), None, None,
                                       reason=erasure.RETENTION)
        commit_or_clean_up(session, media_store(), result.change)
        texts = [" ".join(str(v) for v in (e.detail, e.record_kind, e.action, e.actor_role))
                 for e in session.scalars(select(AuditEvent))]
        assert texts and not [t for t in texts if "Sam" in t or "Patel" in t or "plants" in t]
        tombstone = session.scalars(select(AuditEvent).where(AuditEvent.action == "erased")).one()
        assert (tombstone.actor_role, tombstone.detail) == ("system", "retention")


def test_erasure_covers_every_table_the_audit_trail_says_holds_a_learners_data() -> None:
    """The trail's map of whose data each table holds must name every new table; this makes erasure
    handle it too. The trail itself stays: it keeps the tombstone."""
    from portfolio.audit import owners

    assert owners.exported_tables() - {"audit_events"} - erasure.ERASED_TABLES == set()


def test_a_name_that_does_not_match_erases_nothing(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        for typed in ("", "Sam", "Sam Pate1", "Ruby Green"):
            with pytest.raises(KindError, match="does not match"):
                erasure.erase_learner(session, learner, session.get(User, world.admin.id), typed)
        assert session.get(User, world.learner.id) is not None
        assert session.get(Experience, entries.shared.id) is not None


def test_erasing_an_entry_takes_it_out_of_final_packs_and_links(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        session, store = db.session(), media_store()
        made = fill_every_table(session, store, world, entries)
        pack = session.get(ReviewPack, made.pack_id)
        copies_before = len(pack.media)
        assert entries.shared.id in [item["id"] for item in pack.snapshot["done"]]
        entry = session.get(Experience, entries.shared.id)
        plan = erasure.plan_entry(session, entry)
        assert plan.count("review_media") >= 1
        result = erasure.erase_entry(session, entry, session.get(User, world.admin.id), "Sam Patel")
        commit_or_clean_up(session, store, result.change)
        session.expire_all()

        assert session.get(Experience, entries.shared.id) is None
        assert session.get(Experience, entries.draft.id) is not None
        pack = session.get(ReviewPack, made.pack_id)
        assert entries.shared.id not in [item["id"] for item in pack.snapshot["done"]]
        assert len(pack.media) == copies_before - plan.count("review_media")
        assert session.get(ShareLink, made.link_id).experience_ids == []
        assert [key for key in result.change.replaced if store.exists(key)] == []
        assert orphans_and_missing() == (set(), set())
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "erased")).one()
        assert (event.record_kind, event.record_id, event.learner_id) == ("experiences", entries.shared.id,
                                                                          world.learner.id)


def test_forget_speech_empties_the_private_cache_but_leaves_unfinished_files(tmp_path: Path) -> None:
    (tmp_path / "a1.mp3").write_bytes(b"ID3")
    (tmp_path / "b2.mp3").write_bytes(b"ID3")
    (tmp_path / ".c3.mp3.part").write_bytes(b"")
    assert erasure.forget_speech(tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == [".c3.mp3.part"]
    assert erasure.forget_speech(tmp_path / "never-made") == 0


@pytest.mark.parametrize(("left_on", "keep_in_touch", "due"), [
    (date(2020, 12, 1), None, True),  # exactly six years
    (date(2019, 7, 19), False, True),  # said no
    (date(2019, 7, 19), True, False),  # consent to keep in touch stands
    (date(2020, 12, 2), None, False),  # one day short
])
def test_retention_rule(app: Flask, world: World, left_on: date, keep_in_touch: bool | None, due: bool) -> None:
    with app.app_context():
        session = db.session()
        session.add(LearnerRecord(learner_id=world.learner.id, school_id=world.school.id, left_on=left_on,
                                  keep_in_touch=keep_in_touch))
        session.add(LearnerRecord(learner_id=world.other_learner.id, school_id=world.school.id))  # still at school
        session.commit()
        found = retention.due_for_erasure(session, date(2026, 12, 1), 6)
        assert [item.learner_id for item in found] == ([world.learner.id] if due else [])


def test_years_before_a_leap_day() -> None:
    assert retention.years_before(date(2028, 2, 29), 6) == date(2022, 2, 28)


def test_an_erasure_that_fails_in_the_database_keeps_every_file(app: Flask, world: World, entries: Entries) -> None:
    """Files go only after the commit: a database that refuses the deletes leaves rows and files together."""
    with app.app_context():
        session, store = db.session(), media_store()
        with deletes_refused(session, "users"):
            keys = erasure.plan_learner(session, session.get(User, world.learner.id)).change.replaced
            with pytest.raises(IntegrityError):
                erasure.erase_learner(session, session.get(User, world.learner.id), None, "Sam Patel")
        assert keys and all(store.exists(key) for key in keys)
        assert session.get(User, world.learner.id) is not None
        assert orphans_and_missing() == (set(), set())
