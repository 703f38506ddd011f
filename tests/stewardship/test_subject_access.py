"""The subject access export holds everything kept about one learner, and nothing about anyone else.

A learner is given a row in every table that holds learner data, then exported: every such table
(as the audit trail classifies them) must have its rows in the file the export names for it.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.audit import owners
from portfolio.media.storage import media_store
from portfolio.models import (
    AuditEvent,
    Destination,
    EmployerFeedback,
    Experience,
    ExperiencePhoto,
    FeedbackAccess,
    ImportRecord,
    Job,
    LearnerRecord,
    NextStep,
    PassportStatement,
    PlanOption,
    ReviewMedia,
    ReviewPack,
    SyncKey,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.people import access, consent
from portfolio.people import sessions as sign_ins
from portfolio.people.consent import ConsentAnswers
from portfolio.sharing import service as sharing
from portfolio.stewardship import subject_access
from portfolio.symbols import library as symbols
from tests.factories import Entries, World, make_activity, make_experience

SECRET_WORD = "Marmalade-the-other-learner"


def _give_every_kind_of_row(dbs: Any, world: World, entries: Entries) -> None:
    """Rows in the tables the fixtures leave empty, made the way the app makes them where that is short."""
    learner = dbs.get(User, world.learner.id)
    ta = dbs.get(User, world.ta.id)
    shared = dbs.get(Experience, entries.shared.id)
    sign_ins.start_sign_in(dbs, learner, "card")
    statement = PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="likes",
                                  text="I like plants")
    statement.evidence.append(shared)
    dbs.add(statement)
    consent.set_consent(dbs, learner, ta, ConsentAnswers(True, True, True))
    link = sharing.create_link(dbs, learner, ta, audience="Green Fingers", sections=["likes"],
                               experience_ids=[shared.id]).link
    sharing.record_access(dbs, link, "page", "Safari")
    dbs.add(ImportRecord(school_id=learner.school_id, learner_id=learner.id, export_uid="f" * 36))
    plan = TransitionPlan(school_id=learner.school_id, learner_id=learner.id, year_group=10, aspirations="Gardening")
    option = PlanOption(kind="college", title="Horticulture")
    option.experiences.append(shared)
    plan.options.append(option)
    plan.next_steps.append(NextStep(who="Sam", what="Visit the college"))
    dbs.add(plan)
    photo = dbs.get(ExperiencePhoto, entries.photo_id)
    pack = ReviewPack(school_id=learner.school_id, learner_id=learner.id, date_from=date(2026, 1, 1),
                      date_to=date(2026, 7, 1))
    pack.media.append(ReviewMedia(media_id=photo.display_id))
    dbs.add(pack)
    activity = make_activity(dbs, learner.school, [learner], attended=True)
    participant = activity.participants[0]
    feedback = EmployerFeedback(school_id=learner.school_id, participant_id=participant.id, token_hash="a" * 64,
                                expires_at=utcnow() + timedelta(days=9), went_well="Watered carefully",
                                submitted_at=utcnow())
    feedback.accesses.append(FeedbackAccess(what="page", client="Firefox"))
    dbs.add(feedback)
    dbs.add(LearnerRecord(school_id=learner.school_id, learner_id=learner.id, upn="A123456789012", ehc_plan=True))
    dbs.add(Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=0, due_on=date(2026, 7, 20),
                        provider="Riverside College"))
    dbs.add(Job(school_id=learner.school_id, owner_id=world.ta.id, learner_id=learner.id, kind="review-pdf",
                state="done", arguments={}, message="Your PDF is ready.", result_name=""))
    dbs.add(SyncKey(school_id=learner.school_id, learner_id=learner.id, sent_by_id=learner.id, step="entry",
                    key="0f8e2c1a-5b7d-4e3f-9a6b-1c2d3e4f5a6b", experience_id=shared.id, refused=""))
    access.save_settings(dbs, learner, {"text_size": "large", "symbol_mode": "symbols-only",
                                        "scan_mode": "two-switch", "scan_seconds": "3.0", "hear_first": "on"})
    other = dbs.get(User, world.other_learner.id)
    make_experience(dbs, other, other, place=SECRET_WORD)
    dbs.commit()


def _export(app: Flask, learner_id: int, actor_id: int) -> bytes:
    with app.app_context():
        dbs = db.session()
        out = io.BytesIO()
        subject_access.write_subject_access(
            dbs, media_store(), dbs.get(User, learner_id), out, actor=dbs.get(User, actor_id), exported_at=utcnow(),
            setting=subject_access.ExportSetting(secret_key=app.config["SECRET_KEY"], templates=app.jinja_env,
                                                 symbol_dir=Path(app.static_folder or "") / "symbols",
                                                 attribution=symbols.attribution()))
        dbs.commit()
        return out.getvalue()


@pytest.fixture
def exported(app: Flask, world: World, entries: Entries) -> zipfile.ZipFile:
    with app.app_context():
        _give_every_kind_of_row(db.session(), world, entries)
    return zipfile.ZipFile(io.BytesIO(_export(app, world.learner.id, world.admin.id)))


def _tables(archive: zipfile.ZipFile) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name in archive.namelist():
        if name.startswith("data/") and name.endswith(".json"):
            found.update(json.loads(archive.read(name)))
    return found


def test_the_export_names_a_file_for_every_table_holding_learner_data() -> None:
    assert owners.exported_tables() - set(subject_access.COVERED) == set()
    assert set(subject_access.COVERED.values()) == set(subject_access.FILES)


def test_every_table_holding_learner_data_has_its_rows_in_the_export(exported: zipfile.ZipFile) -> None:
    tables = _tables(exported)
    empty = sorted(table for table in owners.exported_tables() if not tables.get(table))
    assert empty == []
    for table, name in subject_access.COVERED.items():
        assert table in json.loads(exported.read(name)), (table, name)


def test_it_holds_only_this_learners_rows(exported: zipfile.ZipFile, world: World) -> None:
    tables = _tables(exported)
    for table in ("experiences", "passport_statements", "share_links", "transition_plans", "review_packs",
                  "activity_participants", "learner_records", "destinations", "audit_events", "login_cards"):
        assert {row["learner_id"] for row in tables[table]} == {world.learner.id}, table
    assert [row["id"] for row in tables["users"]] == [world.learner.id]
    assert {row["user_id"] for row in tables["sign_ins"]} == {world.learner.id}
    everything = b"".join(exported.read(name) for name in exported.namelist() if name.endswith((".json", ".html")))
    assert SECRET_WORD.encode() not in everything


def test_spoken_comments_recordings_photos_and_review_pdfs_are_inside(exported: zipfile.ZipFile) -> None:
    tables = _tables(exported)
    names = set(exported.namelist())
    (comment,) = tables["family_comments"]
    assert comment["voice_file"] in names and comment["voice_file"].endswith(".m4a")
    assert exported.read(comment["voice_file"])[4:8] == b"ftyp"  # an MP4 recording
    entry_voices = [row["voice_file"] for row in tables["experiences"] if row["voice_file"]]
    assert entry_voices and all(path in names for path in entry_voices)
    (photo,) = tables["experience_photos"]
    assert exported.read(photo["display_file"])[:3] == b"\xff\xd8\xff"  # a JPEG
    (pack,) = tables["review_packs"]
    assert exported.read(pack["pdf_file"])[:5] == b"%PDF-"
    portable = zipfile.ZipFile(io.BytesIO(exported.read(subject_access.PORTABLE_NAME)))
    assert {"portfolio.json", "index.html"} <= set(portable.namelist())


def test_secret_hashes_are_left_out(exported: zipfile.ZipFile) -> None:
    for name in exported.namelist():
        if name.endswith(".json"):
            text = exported.read(name).decode()
            assert "token_hash" not in text and "password_hash" not in text, name


def test_the_index_is_plain_html_listing_every_file(exported: zipfile.ZipFile) -> None:
    index = exported.read("index.html").decode()
    assert "<script" not in index.lower()
    assert re.search(r"<[^>]*\son\w+\s*=", index) is None  # no event handlers either
    for name in subject_access.FILES:
        assert f'href="{name}"' in index
    assert "Everything held about Sam Patel" in index
    assert 'href="reviews/' in index


def test_the_export_goes_on_the_trail_it_holds(exported: zipfile.ZipFile, app: Flask, world: World) -> None:
    trail = _tables(exported)["audit_events"]
    assert trail[-1]["action"] == "exported" and trail[-1]["detail"] == "subject access"
    assert trail[-1]["actor_id"] == world.admin.id
    with app.app_context():
        newest = db.session().scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert (newest.action, newest.learner_id, newest.detail) == ("exported", world.learner.id, "subject access")
