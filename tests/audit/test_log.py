"""The trail is never silently changed: each event's digest chains it to the one before it in its
school, worked out as the event is written, so an edited or removed event shows as a break."""
from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import delete, select, update

from portfolio import db
from portfolio.audit import log
from portfolio.models import AuditEvent
from tests.factories import World


def _events(app: Flask, school_id: int, count: int) -> list[int]:
    with app.app_context():
        dbs = db.session()
        made = [log.record(dbs, action="viewed", record_kind="share_links", record_id=n, learner_id=1,
                           school_id=school_id, detail="About me page") for n in range(count)]
        dbs.commit()
        return [event.id for event in made]


def test_events_written_together_chain_in_order(app: Flask, world: World) -> None:
    ids = _events(app, world.school.id, 5)
    with app.app_context():
        dbs = db.session()
        assert log.chain_breaks(dbs, world.school.id) == []
        digests = list(dbs.scalars(select(AuditEvent.digest).where(AuditEvent.id.in_(ids))))
        assert len(set(digests)) == 5 and all(len(d) == 64 for d in digests)


def test_an_edited_event_is_reported(app: Flask, world: World) -> None:
    ids = _events(app, world.school.id, 3)
    with app.app_context():
        dbs = db.session()
        dbs.execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(actor_role="admin"))
        dbs.commit()
        assert log.chain_breaks(dbs, world.school.id) == [ids[1]]
        assert log.chain_breaks(dbs, world.other_school.id) == []


def test_a_removed_event_is_reported_at_the_one_after_it(app: Flask, world: World) -> None:
    ids = _events(app, world.school.id, 3)
    with app.app_context():
        dbs = db.session()
        dbs.execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
        dbs.commit()
        assert log.chain_breaks(dbs, world.school.id) == [ids[2]]


def test_two_writers_at_once_leave_no_false_break(app: Flask, world: World) -> None:
    """Each digest is worked out under the write lock, so interleaved commits still chain."""
    problems: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(15):
                _events(app, world.school.id, 2)
        except BaseException as problem:  # noqa: BLE001 - reported by the assertion below
            problems.append(problem)

    threads = [threading.Thread(target=write) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    with app.app_context():
        dbs = db.session()
        assert dbs.scalar(select(AuditEvent.id).where(AuditEvent.record_kind == "share_links").limit(1))
        assert log.chain_breaks(dbs, world.school.id) == []
