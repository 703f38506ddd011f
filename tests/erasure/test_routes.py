"""The careers leader's erase pages, and the retention command."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.media.storage import media_store
from portfolio.models import AuditEvent, Experience, LearnerRecord, SignIn, User
from tests.conftest import csrf_token, sign_in_as
from tests.erasure.builders import fill_every_table
from tests.factories import Entries, World


def _admin(app: Flask, world: World) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, world.admin)
    return client


def test_the_learner_page_offers_erasure_to_the_careers_leader_only(app: Flask, world: World) -> None:
    admin = _admin(app, world)
    assert "erase-learner-link" in admin.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    ta = app.test_client()
    sign_in_as(ta, world.ta)
    assert "erase-learner-link" not in ta.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)


def test_a_wrong_name_is_refused_kindly_and_nothing_goes(app: Flask, world: World, entries: Entries) -> None:
    admin = _admin(app, world)
    page = admin.get(f"/staff/learners/{world.learner.id}/erase").get_data(as_text=True)
    assert "Entries: 3" in page
    answer = admin.post(f"/staff/learners/{world.learner.id}/erase",
                        data={"name": "Sam", "csrf_token": csrf_token(admin, f"/staff/learners/{world.learner.id}/erase")})
    assert answer.status_code == 400
    assert "does not match this learner" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session().get(User, world.learner.id) is not None


def test_erasing_signs_the_learner_out_and_empties_the_speech_cache(app: Flask, world: World,
                                                                    entries: Entries) -> None:
    with app.app_context():
        fill_every_table(db.session(), media_store(), world, entries)
    tablet = app.test_client()
    sign_in_as(tablet, world.learner)
    assert tablet.get("/me/").status_code == 200
    cache = Path(app.config["SPEECH_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "0123abcd.mp3").write_bytes(b"ID3 Sam Patel")
    admin = _admin(app, world)
    url = f"/staff/learners/{world.learner.id}/erase"
    answer = admin.post(url, data={"name": "Sam Patel", "csrf_token": csrf_token(admin, url)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/people"
    assert list(cache.glob("*.mp3")) == []
    assert tablet.get("/me/").status_code == 302  # signed out at once
    with app.app_context():
        session = db.session()
        assert session.get(User, world.learner.id) is None
        assert session.scalar(select(func.count()).select_from(SignIn).where(SignIn.user_id == world.learner.id)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "erased")) == 1
    assert "have been erased" in admin.get("/admin/people").get_data(as_text=True)


def test_erasing_one_entry_returns_to_the_learner(app: Flask, world: World, entries: Entries) -> None:
    admin = _admin(app, world)
    shown = admin.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    assert "erase-entry-link" in shown
    url = f"/experiences/{entries.shared.id}/erase"
    answer = admin.post(url, data={"name": "Sam Patel", "csrf_token": csrf_token(admin, url)})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/staff/learners/{world.learner.id}"
    assert admin.get(f"/experiences/{entries.shared.id}").status_code == 404
    with app.app_context():
        assert db.session().get(Experience, entries.draft.id) is not None


def test_retention_lists_then_erases_with_apply(app: Flask, world: World, entries: Entries, runner) -> None:
    with app.app_context():
        session = db.session()
        session.add(LearnerRecord(learner_id=world.learner.id, school_id=world.school.id,
                                  left_on=date(2019, 7, 19)))
        session.commit()
    listed = runner.invoke(args=["retention", "--today", "2026-12-01"])
    assert listed.exit_code == 0, listed.output
    assert f"learner {world.learner.id} (school {world.school.id}), left 2019-07-19: 3 entries" in listed.output
    assert "Sam" not in listed.output and "Nothing was erased" in listed.output
    with app.app_context():
        assert db.session().get(User, world.learner.id) is not None
    applied = runner.invoke(args=["retention", "--today", "2026-12-01", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert f"Erased learner {world.learner.id}" in applied.output
    with app.app_context():
        session = db.session()
        assert session.get(User, world.learner.id) is None
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "erased")).one()
        assert (event.actor_role, event.detail) == ("system", "retention")
    again = runner.invoke(args=["retention", "--today", "2026-12-01"])
    assert again.output.startswith("0 learners")
