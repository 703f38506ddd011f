"""A learner's portfolio and the staff check queue, read a page at a time in a fixed order."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.models import Experience, ExperienceKind, ExperienceStatus, User
from portfolio.web.paging import PAGE_SIZE, Page, PagingError
from tests.factories import World, make_experience

START = datetime(2026, 3, 2, 9, 0)


def add_entries(dbs: Session, learner: User, count: int, status: ExperienceStatus = ExperienceStatus.SHARED,
                undated_every: int = 0) -> list[int]:
    """``count`` entries on different days, made an hour apart; every ``undated_every``-th has no date."""
    ids = []
    for number in range(count):
        day = date(2026, 1, 1) + timedelta(days=(number * 7) % 60)
        entry = make_experience(dbs, learner, learner, status, on=day)
        entry.created_at = START + timedelta(hours=number)
        if undated_every and number % undated_every == 0:
            entry.start_date = None
        ids.append(entry.id)
    dbs.commit()
    return ids


def all_pages(read) -> list[Page[Experience]]:  # type: ignore[no-untyped-def]
    """Follow the "show more" cursors to the end, as a reader tapping Show more would."""
    pages = [read(None)]
    while pages[-1].has_more:
        pages.append(read(pages[-1].next_cursor))
        assert len(pages) < 100, "the cursors never reach the end"
    return pages


def newest_first(dbs: Session, learner: User) -> list[int]:
    """The expected order, worked out in Python from the rows: the day it happened (or was made), newest first."""
    rows = dbs.scalars(select(Experience).where(Experience.learner_id == learner.id)).all()
    ordered = sorted(rows, key=lambda e: (e.start_date or e.created_at.date(), e.created_at, e.id), reverse=True)
    return [entry.id for entry in ordered]


def test_thirty_entries_come_as_twelve_twelve_and_six_in_portfolio_order(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        made = add_entries(dbs, learner, 30, undated_every=4)
        pages = all_pages(lambda after: experiences.portfolio_page(dbs, learner, after=after))
        assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 30 - 2 * PAGE_SIZE]
        shown = [entry.id for page in pages for entry in page]
        assert len(shown) == len(set(shown)) == 30
        assert set(shown) == set(made)
        assert shown == newest_first(dbs, learner)
        assert pages[0].is_first and not pages[1].is_first and not pages[-1].has_more


def test_an_entry_without_a_date_is_placed_by_the_day_it_was_made(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        older = make_experience(dbs, learner, learner, ExperienceStatus.SHARED, on=date(2026, 5, 1))
        newer = make_experience(dbs, learner, learner, ExperienceStatus.SHARED, on=date(2026, 5, 20))
        undated = make_experience(dbs, learner, learner, ExperienceStatus.SHARED)
        undated.start_date = None
        undated.created_at = datetime(2026, 5, 10, 15, 30)
        dbs.commit()
        assert undated.sort_on == date(2026, 5, 10)
        page = experiences.portfolio_page(dbs, learner)
        assert [entry.id for entry in page] == [newer.id, undated.id, older.id]
        assert [entry.id for entry in experiences.portfolio(dbs, learner)] == [newer.id, undated.id, older.id]


def test_sort_day_follows_a_changed_date(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        entry = experiences.start(dbs, learner, learner, date(2026, 1, 5))
        dbs.commit()
        assert entry.sort_on == entry.start_date == date(2026, 1, 5)
        experiences.set_dates(entry, "other", "2025-11-03", today=date(2026, 1, 5))
        dbs.commit()
        assert entry.sort_on == date(2025, 11, 3)


def test_family_pages_hold_only_shared_entries(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        shared = add_entries(dbs, learner, 14)
        add_entries(dbs, learner, 5, ExperienceStatus.WAITING)
        pages = all_pages(lambda after: experiences.portfolio_page(
            dbs, learner, statuses=[ExperienceStatus.SHARED], after=after))
        assert sorted(entry.id for page in pages for entry in page) == sorted(shared)
        assert [len(page) for page in pages] == [PAGE_SIZE, 14 - PAGE_SIZE]


def test_check_queue_pages_oldest_sent_first_and_counts_without_loading(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        other = dbs.get(User, world.other_learner.id)
        waiting = []
        for number in range(15):
            entry = make_experience(dbs, learner if number % 2 else other, learner, ExperienceStatus.WAITING)
            # sent in the reverse order of making, so the queue order cannot come from the id
            entry.submitted_at = START - timedelta(minutes=number)
            waiting.append(entry)
        make_experience(dbs, learner, learner, ExperienceStatus.SHARED)
        dbs.commit()
        learners = [learner, other]
        pages = all_pages(lambda after: experiences.to_check(dbs, learners, after=after))
        shown = [entry.id for page in pages for entry in page]
        expected = [entry.id for entry in sorted(waiting, key=lambda e: (e.submitted_at, e.id))]
        assert shown == expected
        assert [len(page) for page in pages] == [PAGE_SIZE, 3]
        assert experiences.count_to_check(dbs, learners) == 15
        assert experiences.count_to_check(dbs, [learner]) == 7
        assert not experiences.to_check(dbs, []) and experiences.count_to_check(dbs, []) == 0


def test_latest_draft_asks_for_one_row(app: Flask, world: World) -> None:
    from tests.web.test_paging import recorded_sql

    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        for _ in range(3):
            make_experience(dbs, learner, learner, kind=ExperienceKind.VISIT)
        dbs.commit()
        with recorded_sql(app) as statements:
            draft = experiences.latest_draft(dbs, learner)
        assert draft is not None
        assert len(statements) == 1 and "LIMIT" in statements[0].upper()


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4IiwieSIsInoiXQ", "WyIyMDI2LTAxLTAxIiwiMjAyNiIsMV0"])
def test_a_changed_cursor_is_refused_kindly(app: Flask, world: World, cursor: str) -> None:
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        with pytest.raises(PagingError) as refused:
            experiences.portfolio_page(dbs, learner, after=cursor)
        assert "start" in refused.value.message
