"""The cohort grid's rows: who is on it, the counts, the year groups, the review packs and the gaps in words."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.careers import evidence as gatsby
from portfolio.cohort import service as cohort
from portfolio.models import ActivityKind, LearnerRecord, ReviewPack, ReviewStatus, User
from portfolio.school_years import school_year
from tests.cohort import known_cohort
from tests.factories import World, make_activity, make_learner


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


@pytest.fixture
def known(dbs: Session, world: World) -> known_cohort.KnownCohort:
    return known_cohort.build(dbs, world)


def _admin(dbs: Session, world: World) -> User:
    found = dbs.get(User, world.admin.id)
    assert found is not None
    return found


def _rows(dbs: Session, actor_id: int, today: date) -> dict[str, cohort.CohortRow]:
    actor = dbs.get(User, actor_id)
    assert actor is not None
    return {row.name: row for row in cohort.cohort_rows(dbs, actor, today)}


def test_the_admin_sees_every_current_learner_and_no_leavers(dbs: Session, world: World, known) -> None:
    rows = _rows(dbs, world.admin.id, known.today)
    assert sorted(rows) == ["Alex Moore", "Ruby Green", "Sam Patel"]


def test_staff_see_only_their_groups_learners(dbs: Session, world: World, known) -> None:
    assert sorted(_rows(dbs, world.ta.id, known.today)) == ["Alex Moore", "Sam Patel"]
    assert sorted(_rows(dbs, world.other_ta.id, known.today)) == ["Ruby Green"]
    assert _rows(dbs, world.parent.id, known.today) == {}


def test_counts_year_groups_and_records(dbs: Session, world: World, known) -> None:
    rows = _rows(dbs, world.admin.id, known.today)
    sam, ruby, alex = rows["Sam Patel"], rows["Ruby Green"], rows["Alex Moore"]
    assert (sam.year_group, sam.ehc_plan, sam.need_label, sam.group) == (10, True, "Communication and interaction", "Oak")
    assert (ruby.year_group, ruby.ehc_plan, ruby.group) == (12, False, "Willow")
    assert alex.year_group == 8 and alex.need_area is None
    # Sam: a talk, a two-day placement and a visit of his own this year; a provider and a guidance meeting last year.
    assert [sam.count(b, True) for b in (5, 6, 7, 8)] == [3, 2, 0, 0]
    assert [sam.count(b) for b in (5, 6, 7, 8)] == [3, 2, 1, 1]
    assert (sam.evidence.days_this_year, sam.evidence.days_total, sam.pal) == (2.0, 2.0, 1)
    assert sam.last_entry == date(school_year(known.today), 9, 1)
    # Ruby's planned visit and tomorrow's visit do not count, nor her draft entry.
    assert [ruby.count(b) for b in (5, 6, 7, 8)] == [0, 0, 0, 0] and ruby.last_entry is None
    assert (alex.count(7, True), alex.pal) == (1, 1)


def test_the_grid_counts_match_each_learners_own_evidence(dbs: Session, world: World, known) -> None:
    for row in _rows(dbs, world.admin.id, known.today).values():
        learner = dbs.get(User, row.learner_id)
        own = gatsby.learner_evidence(dbs, learner, known.today)
        for b in (5, 6, 7, 8):
            assert (row.count(b, True), row.count(b)) == (own.count(b, this_year=True), own.count(b))
        assert (row.evidence.days_this_year, row.evidence.days_total) == (own.days_this_year, own.days_total)


def test_review_packs_and_their_gaps(dbs: Session, world: World, known) -> None:
    rows = _rows(dbs, world.admin.id, known.today)
    sam, ruby, alex = rows["Sam Patel"], rows["Ruby Green"], rows["Alex Moore"]
    assert (sam.review.pack, sam.review.due_on, sam.review.overdue) == ("none", known.today + timedelta(days=6), False)
    assert "Review in 3 weeks and no pack" in sam.gaps
    assert (ruby.review.pack, ruby.review.overdue) == ("draft", True)
    assert "Pack overdue" in ruby.gaps
    assert alex.review.pack == "final" and not any("ack" in gap for gap in alex.gaps)


def test_benchmark_gaps_in_words(dbs: Session, world: World, known) -> None:
    rows = _rows(dbs, world.admin.id, known.today)
    assert rows["Ruby Green"].gaps[:6] == [
        "No employer encounter this school year",
        "No workplace experience this school year",
        "0 days at work so far, short of the aim of about 10",
        "Fewer than two provider encounters in Year 8 or 9",
        "Fewer than two provider encounters in Year 10 or 11",
        "No guidance meeting since Year 9",
    ]
    sam = rows["Sam Patel"]
    assert "No employer encounter this school year" not in sam.gaps
    assert "No guidance meeting since Year 9" not in sam.gaps  # he had one in Year 9
    assert "Fewer than two provider encounters in Year 8 or 9" in sam.gaps
    assert rows["Alex Moore"].gaps == ["No employer encounter this school year", "No workplace experience this school year"]


def test_filters_and_sorting(dbs: Session, world: World, known) -> None:
    admin = _admin(dbs, world)
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.read_filters({"group": str(world.group.id)}))
    assert [r.name for r in grid.rows] == ["Alex Moore", "Sam Patel"]
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.read_filters({"ehc": "yes"}))
    assert [r.name for r in grid.rows] == ["Sam Patel"]
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.read_filters({"year": "12", "need": "semh"}))
    assert [r.name for r in grid.rows] == ["Ruby Green"]
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.GridFilters(), "b5_all", "desc")
    assert grid.rows[0].name == "Sam Patel"
    grid = cohort.cohort_grid(dbs, admin, known.today, cohort.GridFilters(), "year", "asc")
    assert [r.year_group for r in grid.rows] == [8, 10, 12]
    assert grid.year_groups == [8, 10, 12]


def test_hostile_filters_are_ignored_not_refused() -> None:
    found = cohort.read_filters({"group": "1 OR 1=1", "year": "\x00", "ehc": "maybe", "need": "<script>"})
    assert found == cohort.GridFilters()
    grid_sort = cohort.SORTS.get("'; drop table")
    assert grid_sort is None


def test_a_learner_without_a_record_still_shows(dbs: Session, world: World, known) -> None:
    newcomer = make_learner(dbs, world.school, world.group, name="Zed New")
    dbs.commit()
    row = _rows(dbs, world.admin.id, known.today)["Zed New"]
    assert (row.year_group, row.year_label, row.review.pack, row.ehc_plan) == (None, "Not known", "none", False)
    assert row.gaps == ["No employer encounter this school year", "No workplace experience this school year"]
    assert newcomer.record is None


def test_the_grid_takes_a_fixed_number_of_queries(app: Flask, dbs: Session, world: World, known) -> None:
    admin = _admin(dbs, world)

    def queries_for_grid() -> int:
        dbs.expire_all()
        seen: list[str] = []
        engine = dbs.get_bind()
        listener = lambda *args: seen.append(args[2])
        event.listen(engine, "before_cursor_execute", listener)
        try:
            cohort.cohort_rows(dbs, admin, known.today)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = queries_for_grid()
    for n in range(12):
        learner = make_learner(dbs, world.school, world.other_group, name=f"Extra {n}")
        dbs.add(LearnerRecord(school_id=learner.school_id, learner_id=learner.id, year_override=9))
        make_activity(dbs, world.school, [learner], kind=ActivityKind.EMPLOYER_TALK, starts_on=known.today,
                      attended=True)
        dbs.add(ReviewPack(school_id=learner.school_id, learner_id=learner.id, date_from=known.today,
                           date_to=known.today, left_out=[], status=ReviewStatus.DRAFT.value,
                           created_at=datetime.now()))
    dbs.commit()
    assert queries_for_grid() == before


def test_reviews_coming_up_are_the_next_eight_weeks(dbs: Session, world: World, known) -> None:
    coming = cohort.reviews_coming_up(dbs, _admin(dbs, world), known.today)
    assert [c.row.name for c in coming] == ["Ruby Green", "Sam Patel"]
    assert coming[1].date_to == known.today
    staff = dbs.get(User, world.ta.id)
    assert [c.row.name for c in cohort.reviews_coming_up(dbs, staff, known.today)] == ["Sam Patel"]
