"""A learner's trail as the careers leader reads it: newest first, fifty at a time, filtered, with
people named the right way and the chain checked."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from portfolio import db
from portfolio.audit import log
from portfolio.errors import KindError
from portfolio.models import AuditEvent, User, utcnow
from portfolio.stewardship import trail
from tests.factories import World


def _viewed(dbs, learner: User, count: int, **extra) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    made = [log.record(dbs, action="viewed", record_kind="share_links", record_id=n, learner_id=learner.id,
                       school_id=learner.school_id, detail="About me page", **extra) for n in range(count)]
    dbs.commit()
    return made


def _learner(dbs, world: World) -> User:  # type: ignore[no-untyped-def]
    found = dbs.get(User, world.learner.id)
    assert found is not None
    return found


def test_pages_of_fifty_newest_first_with_nothing_missed_or_twice(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        _viewed(dbs, learner, 70)
        filters = trail.TrailFilters(action="viewed")
        first = trail.trail_page(dbs, learner, filters)
        assert len(first.rows) == 50 and first.more_before == first.rows[-1].event_id
        ids = [row.event_id for row in first.rows]
        assert ids == sorted(ids, reverse=True)
        second = trail.trail_page(dbs, learner, filters, first.more_before)
        assert len(second.rows) == 20 and second.more_before is None
        assert len(set(ids) | {row.event_id for row in second.rows}) == 70
        assert trail.trail_page(dbs, learner, filters, 2**70).rows == first.rows  # beyond any id: the start


def test_only_this_learners_events_in_their_school(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        _viewed(dbs, dbs.get(User, world.other_learner.id), 3)
        log.record(dbs, action="viewed", record_kind="share_links", learner_id=learner.id,
                   school_id=world.other_school.id)  # another school's event naming the same id
        dbs.commit()
        mine = _viewed(dbs, learner, 2)
        page = trail.trail_page(dbs, learner, trail.TrailFilters(action="viewed"))
        assert [row.event_id for row in page.rows] == [mine[1].id, mine[0].id]


def test_filters_by_action_kind_and_dates(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        old, new = _viewed(dbs, learner, 2)
        dbs.execute(update(AuditEvent).where(AuditEvent.id == old.id).values(at=utcnow() - timedelta(days=40)))
        dbs.commit()
        today = date.today()
        shown = trail.trail_page(dbs, learner, trail.read_filters(
            {"action": "viewed", "kind": "share_links", "from": (today - timedelta(days=1)).isoformat(),
             "to": today.isoformat()}))
        assert [row.event_id for row in shown.rows] == [new.id]
        older = trail.trail_page(dbs, learner, trail.read_filters(
            {"action": "viewed", "to": (today - timedelta(days=30)).isoformat()}))
        assert [row.event_id for row in older.rows] == [old.id]
        created = trail.trail_page(dbs, learner, trail.read_filters({"action": "created", "kind": "users"}))
        assert [(row.action, row.kind, row.record_id) for row in created.rows] == [("Added", "Account", learner.id)]


def test_unknown_choices_are_ignored_and_a_bad_date_is_refused() -> None:
    assert trail.read_filters({"action": "drop table", "kind": "secrets"}) == trail.TrailFilters()
    with pytest.raises(KindError):
        trail.read_filters({"from": "last tuesday"})


def test_staff_are_named_and_everyone_else_by_role(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        for who in (world.ta, world.learner, world.parent, None):
            log.record(dbs, action="changed", record_kind="experiences", learner_id=learner.id,
                       school_id=learner.school_id, actor=dbs.get(User, who.id) if who else None)
        log.record(dbs, action="viewed", record_kind="share_links", learner_id=learner.id,
                   school_id=learner.school_id, actor_role="visitor")
        dbs.commit()
        page = trail.trail_page(dbs, learner, trail.TrailFilters(kind=None, action=None))
        assert [row.who for row in page.rows[:5]] == ["someone with a link", "system", "a parent", "the learner",
                                                     "Priya Shah"]


def test_an_edited_event_shows_as_a_break(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        made = _viewed(dbs, learner, 3)
        assert trail.trail_page(dbs, learner, trail.TrailFilters()).breaks == []
        dbs.execute(update(AuditEvent).where(AuditEvent.id == made[1].id).values(detail="nothing to see"))
        dbs.commit()
        assert trail.trail_page(dbs, learner, trail.TrailFilters()).breaks == [made[1].id]


def test_the_csv_holds_every_filtered_event_and_is_itself_recorded(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(dbs, world)
        _viewed(dbs, learner, 60)
        rows = trail.trail_csv(dbs, learner, trail.TrailFilters(action="viewed"), dbs.get(User, world.admin.id))
        dbs.commit()
        assert len(rows) == 60 and {row[3] for row in rows} == {"Opened"}
        assert len(rows[0]) == len(trail.CSV_HEADER)
        (download,) = trail.trail_page(dbs, learner, trail.TrailFilters(kind="audit_events")).rows
        assert (download.action, download.who, download.detail) == ("Downloaded", "Helen Carter", "audit trail CSV")
