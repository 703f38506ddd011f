"""Gatsby evidence counts: school years, activities taken part in, and entries counted once."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.careers import evidence as gatsby
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    ExperienceKind,
    ExperienceStatus,
    User,
)
from tests.factories import World, make_experience

TODAY = date(2026, 12, 1)  # school year 2026 (September 2026 to August 2027)


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


@pytest.fixture
def sam(dbs: Session, world: World) -> User:
    found = dbs.get(User, world.learner.id)
    assert found is not None
    return found


def _activity(dbs: Session, learner: User, kind: ActivityKind, on: date, attendance: Attendance = Attendance.ATTENDED,
              days: float | None = None, benchmarks: list[int] | None = None, title: str = "") -> CareersActivity:
    activity = CareersActivity(school_id=learner.school_id, kind=kind.value, title=title or kind.label, starts_on=on,
                               days=days, benchmarks=kind.default_benchmarks if benchmarks is None else benchmarks)
    activity.participants = [ActivityParticipant(school_id=learner.school_id, learner_id=learner.id,
                                                 attendance=attendance.value)]
    dbs.add(activity)
    dbs.flush()
    return activity


def test_this_school_year_starts_on_1_september(dbs: Session, sam: User) -> None:
    last_year = _activity(dbs, sam, ActivityKind.EMPLOYER_TALK, date(2026, 8, 31))
    this_year = _activity(dbs, sam, ActivityKind.EMPLOYER_TALK, date(2026, 9, 1))
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert found.school_year == 2026
    assert [i.id for i in found.counts[5].this_year] == [this_year.id]
    assert [i.id for i in found.counts[5].all] == [last_year.id, this_year.id]
    assert found.count(5) == 2 and found.count(5, this_year=True) == 1
    # On 31 August the talk of that day is still "this school year".
    on_the_day = gatsby.learner_evidence(dbs, sam, date(2026, 8, 31))
    assert [i.id for i in on_the_day.counts[5].this_year] == [last_year.id]


def test_only_activities_taken_part_in_and_not_cancelled_count(dbs: Session, sam: User) -> None:
    went = _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 5))
    _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 6), Attendance.ABSENT)
    _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 7), Attendance.PLANNED)
    cancelled = _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 8))
    cancelled.cancelled_at = cancelled.created_at
    dbs.flush()
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert [(i.source, i.id) for i in found.counts[5].all] == [("activity", went.id)]
    assert [(i.source, i.id) for i in found.counts[6].all] == [("activity", went.id)]
    assert found.count(7) == 0 and found.count(8) == 0


def test_the_activitys_own_benchmarks_decide_what_it_counts_for(dbs: Session, sam: User) -> None:
    _activity(dbs, sam, ActivityKind.ENTERPRISE, date(2026, 10, 5), benchmarks=[5, 6])
    _activity(dbs, sam, ActivityKind.CAREERS_FAIR, date(2026, 10, 6))  # 5 and 7 by default
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert (found.count(5), found.count(6), found.count(7)) == (2, 1, 1)


def test_entries_without_an_activity_count_by_kind_and_drafts_do_not(dbs: Session, world: World, sam: User) -> None:
    ta = dbs.get(User, world.ta.id)
    assert ta is not None
    saturday_job = make_experience(dbs, sam, sam, ExperienceStatus.SHARED, ExperienceKind.VOLUNTEERING,
                                   on=date(2026, 10, 10))
    fair = make_experience(dbs, sam, sam, ExperienceStatus.WAITING, ExperienceKind.CAREERS_FAIR, on=date(2026, 10, 11))
    taster = make_experience(dbs, sam, ta, ExperienceStatus.SHARED, ExperienceKind.TASTER, on=date(2026, 10, 12))
    make_experience(dbs, sam, sam, ExperienceStatus.DRAFT, ExperienceKind.PLACEMENT, on=date(2026, 10, 13))
    make_experience(dbs, sam, sam, ExperienceStatus.SHARED, None, on=date(2026, 10, 14))
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert [i.id for i in found.counts[5].all] == [fair.id]
    assert [i.id for i in found.counts[6].all] == [saturday_job.id]
    assert [i.id for i in found.counts[7].all] == [taster.id]
    assert found.counts[6].all[0].source == "entry" and found.counts[6].all[0].shared
    assert not found.counts[5].all[0].shared  # waiting: not for the family to open yet
    assert found.count(8) == 0


def test_an_entry_about_an_activity_is_not_counted_twice(dbs: Session, sam: User) -> None:
    placement = _activity(dbs, sam, ActivityKind.PLACEMENT, date(2026, 10, 5), days=5)
    entry = make_experience(dbs, sam, sam, ExperienceStatus.SHARED, ExperienceKind.PLACEMENT, on=date(2026, 10, 5))
    entry.activity_id = placement.id
    dbs.flush()
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert [(i.source, i.id) for i in found.counts[5].all] == [("activity", placement.id)]
    assert [(i.source, i.id) for i in found.counts[6].all] == [("activity", placement.id)]
    assert found.days_total == 5


def test_days_at_work_add_up_against_the_ten_day_aim(dbs: Session, sam: User) -> None:
    _activity(dbs, sam, ActivityKind.PLACEMENT, date(2025, 6, 1), days=3)  # an earlier school year
    _activity(dbs, sam, ActivityKind.INTERNSHIP, date(2026, 10, 5), days=1.5)
    _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 6))  # a visit adds no days
    entry = make_experience(dbs, sam, sam, ExperienceStatus.SHARED, ExperienceKind.PLACEMENT, on=date(2026, 11, 2))
    entry.end_date = date(2026, 11, 8)  # Monday to Sunday: five working days
    dbs.flush()
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert found.days_total == 9.5
    assert found.days_this_year == 6.5
    assert found.days_sentence("learner") == "You have had 9 and a half days at work. The aim is about 10 days."
    assert "9 and a half days of work experience so far, short of the aim of about 10" in found.gaps


def test_provider_encounters_are_counted_per_school_year(dbs: Session, sam: User) -> None:
    for on in (date(2024, 11, 1), date(2025, 2, 1), date(2025, 9, 10), date(2026, 9, 10)):
        _activity(dbs, sam, ActivityKind.PROVIDER_ENCOUNTER, on)
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert found.providers_by_year == {2024: 2, 2025: 1, 2026: 1}
    assert found.count(7) == 4 and found.count(7, this_year=True) == 1
    assert not any("provider" in gap for gap in found.gaps)  # two in this school year and the last
    sparse = gatsby.learner_evidence(dbs, sam, date(2028, 1, 10))
    assert "Fewer than two provider encounters in this school year and the last" in sparse.gaps


def test_sentences_in_plain_words_for_each_audience(dbs: Session, sam: User) -> None:
    for day in (5, 6, 7, 8):
        _activity(dbs, sam, ActivityKind.EMPLOYER_TALK, date(2026, 10, day))
    _activity(dbs, sam, ActivityKind.GUIDANCE, date(2026, 10, 9))
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert found.sentence(5, "learner") == "You have met 4 employers."
    assert found.sentence(5, "family") == "Sam has met 4 employers."
    assert found.sentence(6, "staff") == "Sam has not been to a workplace yet."
    _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 12))
    _activity(dbs, sam, ActivityKind.VISIT, date(2026, 10, 13))
    more = gatsby.learner_evidence(dbs, sam, TODAY)
    assert more.sentence(6, "learner") == "You have been to workplaces 2 times."
    assert found.sentence(7, "learner") == "You have not met a college or training provider yet."
    assert found.sentence(8, "learner") == "You have had 1 careers guidance meeting."
    assert found.this_year_sentence(5) == "4 this school year."
    assert found.days_sentence("staff") == "Sam has had 0 days at work. The aim is about 10 days."
    assert "No employer encounter this school year" not in found.gaps
    assert "No experience of a workplace yet" in found.gaps
    assert "No personal guidance meeting yet" not in found.gaps


def test_a_new_learner_has_every_gap_named(dbs: Session, sam: User) -> None:
    found = gatsby.learner_evidence(dbs, sam, TODAY)
    assert found.gaps == [
        "No employer encounter this school year",
        "No experience of a workplace yet",
        "0 days of work experience so far, short of the aim of about 10",
        "Fewer than two provider encounters in this school year and the last",
        "No personal guidance meeting yet",
    ]
    assert all(found.count(b) == 0 for b in (5, 6, 7, 8))


def test_nothing_after_today_counts_and_other_learners_never(dbs: Session, world: World, sam: User) -> None:
    _activity(dbs, sam, ActivityKind.EMPLOYER_TALK, date(2026, 12, 2))
    ruby = dbs.get(User, world.other_learner.id)
    assert ruby is not None
    _activity(dbs, ruby, ActivityKind.EMPLOYER_TALK, date(2026, 10, 2))
    make_experience(dbs, ruby, ruby, ExperienceStatus.SHARED, ExperienceKind.VISIT, on=date(2026, 10, 3))
    assert gatsby.learner_evidence(dbs, sam, TODAY).count(5) == 0


def test_days_in_words() -> None:
    assert [gatsby.days_words(d) for d in (0, 0.5, 1, 2, 2.5)] == [
        "0 days", "half a day", "1 day", "2 days", "2 and a half days"]


def _numbers(found: gatsby.LearnerEvidence) -> dict[str, object]:
    """Everything a home page shows from the evidence: counts, sentences, days and gaps."""
    return {
        "counts": {b: (found.count(b), found.count(b, this_year=True)) for b in found.counts},
        "sentences": [found.sentence(b, audience) for b in found.counts for audience in ("learner", "family", "staff")],
        "days": (found.days_total, found.days_this_year, found.days_sentence("family")),
        "providers": (found.providers_by_year, found.providers_by_pair),
        "gaps": found.gaps,
    }


def test_the_summary_says_what_the_full_count_says(dbs: Session, world: World, sam: User) -> None:
    """Home pages count most entries in the database; every number and gap must match the full count."""
    ta = dbs.get(User, world.ta.id)
    assert ta is not None
    _activity(dbs, sam, ActivityKind.PLACEMENT, date(2025, 6, 1), days=3)
    _activity(dbs, sam, ActivityKind.PROVIDER_ENCOUNTER, date(2026, 9, 10))
    days = [date(2025, 3, 3), date(2026, 8, 31), date(2026, 9, 1), date(2026, 11, 30), date(2026, 12, 2)]
    for number, kind in enumerate(ExperienceKind):
        for status in (ExperienceStatus.SHARED, ExperienceStatus.WAITING, ExperienceStatus.DRAFT):
            entry = make_experience(dbs, sam, ta if number % 2 else sam, status, kind, on=days[number % len(days)])
            if kind == ExperienceKind.PLACEMENT:
                entry.end_date = date(2026, 11, 6)
    undated = make_experience(dbs, sam, sam, ExperienceStatus.SHARED, ExperienceKind.VISIT)
    undated.start_date = None  # counted by the day it was made
    dbs.flush()
    full = gatsby.learner_evidence(dbs, sam, TODAY)
    summary = gatsby.learner_summary(dbs, sam, TODAY)
    assert _numbers(summary) == _numbers(full)
    assert full.count(5) > 3 and full.count(6, this_year=True) > 1  # the data really exercises the counts
    assert undated.sort_on is not None
    assert sum(len(c.all) for c in summary.counts.values()) < sum(len(c.all) for c in full.counts.values())
