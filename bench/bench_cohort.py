"""The cohort grid and the school summary for a 300-learner school with 20,000 entries and activities.

Each page is set beside the least work the same job could take on this machine at this moment: one SQL
query that reads every row the page counts (the learners' sent entries and activities they took part
in). The grid's number of queries is also checked against a 30-learner school, since a lazy load per
learner is how such a page becomes slow only in a big school.
"""
from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from bench.run import (
    Row,
    _verdict,
    fetch,
    interleaved_medians,
    make_app,
    ratio_row,
    recorded_sql,
    signed_in_client,
)
from portfolio import db
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Experience,
    ExperienceKind,
    ExperienceStatus,
    LearnerRecord,
    NeedArea,
    Role,
    User,
)
from tests.factories import make_adult, make_group, make_learner, make_school

LEARNERS = 300
SMALL_LEARNERS = 30
ENTRIES_PER_LEARNER = 50  # 15,000 entries
ACTIVITIES = 250
PARTICIPANTS_PER_ACTIVITY = 20  # 5,000 places on activities: 20,000 things counted in all
GROUPS = 20
#: The pages may take this many times the one query that reads their rows. They must also turn every row
#: into dates and counts in Python and draw 300 rows of 20 cells; first measured at about 12x (grid) and
#: 10x (summary) once the per-entry ORM objects were gone (they were 32x and 50x with them), so 15x
#: leaves room for a busy machine and fails if a lazy load or an ORM object per entry comes back.
RATIO_TARGET = 15.0

_KINDS = [k for k in ExperienceKind]
_ACTIVITY_KINDS = [k for k in ActivityKind]
_NEEDS = [n.value for n in NeedArea]


def add_school(app: Flask, learners: int, today: date) -> int:
    """A school of ``learners`` learners with entries, activities, records and review dates; returns the
    careers leader's id. Rows go in with ``add_all`` because building them one flush at a time would
    take longer than the benchmark."""
    with app.app_context():
        session = db.session()
        school = make_school(session)
        groups = [make_group(session, school, f"Group {n}") for n in range(GROUPS)]
        admin = make_adult(session, school, Role.ADMIN)
        people = [make_learner(session, school, groups[n % GROUPS], name=f"Learner {n:03d}") for n in range(learners)]
        session.add_all(LearnerRecord(school_id=school.id, learner_id=p.id, year_override=7 + n % 8,
                                      ehc_plan=n % 3 == 0, need_area=_NEEDS[n % 4],
                                      annual_review_on=today + timedelta(days=n % 120)) for n, p in enumerate(people))
        start = today - timedelta(days=900)
        session.add_all(
            Experience(school_id=school.id, learner_id=p.id, created_by_id=p.id, caption_symbols={},
                       kind=_KINDS[(n + i) % len(_KINDS)].value, place=f"Workplace {i % 17}",
                       start_date=start + timedelta(days=(n * 7 + i * 17) % 900),
                       status=(ExperienceStatus.SHARED if i % 4 else ExperienceStatus.WAITING).value, caption="")
            for n, p in enumerate(people) for i in range(ENTRIES_PER_LEARNER * learners // LEARNERS))
        for a in range(ACTIVITIES * learners // LEARNERS):
            kind = _ACTIVITY_KINDS[a % len(_ACTIVITY_KINDS)]
            activity = CareersActivity(school_id=school.id, kind=kind.value, title=kind.label,
                                       starts_on=start + timedelta(days=(a * 11) % 900), days=1.0,
                                       benchmarks=kind.default_benchmarks)
            activity.participants = [
                ActivityParticipant(school_id=school.id, learner_id=people[(a * 7 + k) % learners].id,
                                    attendance=(Attendance.ATTENDED if k % 5 else Attendance.ABSENT).value)
                for k in range(PARTICIPANTS_PER_ACTIVITY)]
            session.add(activity)
        session.commit()
        return admin.id


def read_everything(app: Flask, school_admin_id: int) -> None:
    """The baseline: one query reading every row the pages count, with nothing done to it."""
    with app.app_context():
        session = db.session()
        school_id = session.get(User, school_admin_id).school_id
        session.execute(text(
            "SELECT e.learner_id, e.kind, e.start_date, e.end_date, e.status FROM experiences e "
            "WHERE e.school_id = :s AND e.status != 'draft' UNION ALL "
            "SELECT p.learner_id, a.kind, a.starts_on, a.ends_on, p.attendance FROM activity_participants p "
            "JOIN careers_activities a ON a.id = p.activity_id WHERE a.school_id = :s"), {"s": school_id}).all()
        session.rollback()


def _page_sql(app: Flask, client: FlaskClient, path: str) -> int:
    fetch(client, path, "text/html")
    with recorded_sql(app) as statements:
        fetch(client, path, "text/html")
    return len(statements)


def run(repeats: int) -> tuple[list[Row], list[Row]]:
    """Time rows (grid and summary against the one query) and the grid's query-count row."""
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        small_admin = add_school(app, SMALL_LEARNERS, today)
        admin = add_school(app, LEARNERS, today)
        small_sql = _page_sql(app, signed_in_client(app, small_admin), "/cohort/")
        client = signed_in_client(app, admin)
        large_sql = _page_sql(app, client, "/cohort/")
        rows = []
        for path, what in (("/cohort/", "cohort grid"), ("/reports/", "school summary")):
            body = fetch(client, path, "text/html")
            shown = body.count(b'<tr id="learner-')
            if path == "/cohort/" and shown != LEARNERS:
                raise RuntimeError(f"{path} showed {shown} learners, expected {LEARNERS}")
            measured, baseline = interleaved_medians(
                lambda _index, p=path: fetch(client, p, "text/html"),
                lambda _index: read_everything(app, admin),
                repeats,
            )
            label = f"GET {path} {what}, {LEARNERS} learners, 20,000 entries+activities vs 1 SQL read"
            rows.append(ratio_row(label, measured, baseline, RATIO_TARGET))
    label = f"SQL queries per /cohort/ ({LEARNERS} vs {SMALL_LEARNERS} learners)"
    counts = Row(label, f"{large_sql} q", f"{small_sql} q", f"{large_sql - small_sql:+d} q", "equal",
                 _verdict(large_sql == small_sql))
    return rows, [counts]
