"""The one paging helper: cursors that round-trip their types, and keyset pages in any mix of directions."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from portfolio import db
from portfolio.models import Employer, Experience
from portfolio.web.paging import (
    Page,
    PagingError,
    SortKey,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from tests.factories import World, make_employer


@contextmanager
def recorded_sql(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


KEYS: tuple[SortKey[Experience], ...] = (
    SortKey(Experience.sort_on, True, lambda e: e.sort_on),
    SortKey(Experience.created_at, True, lambda e: e.created_at),
    SortKey(Experience.id, True, lambda e: e.id),
)


def test_cursor_round_trips_dates_times_and_ids() -> None:
    values = [date(2026, 5, 10), datetime(2026, 5, 10, 15, 30, 1, 250), 42]
    cursor = encode_cursor(values)
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor  # safe in a URL as it is
    assert decode_cursor(cursor, KEYS) == values


def test_cursor_for_another_list_is_refused() -> None:
    employer_keys = (SortKey(Employer.name, False, lambda e: e.name), SortKey(Employer.id, False, lambda e: e.id))
    with pytest.raises(PagingError):
        decode_cursor(encode_cursor(["Bakery", 3]), KEYS)
    with pytest.raises(PagingError):
        decode_cursor(encode_cursor(["Bakery", "3"]), employer_keys)
    with pytest.raises(PagingError):
        decode_cursor(encode_cursor([True, 3]), employer_keys)


def test_page_reports_its_place() -> None:
    first, last = Page([1, 2], "abc"), Page([3], None, "abc")
    assert first.has_more and first.is_first and list(first) == [1, 2] and len(first) == 2
    assert not last.has_more and not last.is_first
    assert not Page([])


def test_mixed_directions_visit_every_row_once(app: Flask, world: World) -> None:
    """Names A to Z, and among equal names the newest id first: a mixed order, read three at a time."""
    with app.app_context():
        dbs = db.session()
        for name in ["Bakery", "Café", "Bakery", "Zoo", "Apple farm", "Café", "Bakery", "Library"]:
            make_employer(dbs, world.school, name=name)
        dbs.commit()
        keys = (SortKey(Employer.name, False, lambda e: e.name), SortKey(Employer.id, True, lambda e: e.id))
        statement = select(Employer).where(Employer.school_id == world.school.id)
        pages = [keyset_page(dbs, statement, keys, None, size=3)]
        while pages[-1].has_more:
            pages.append(keyset_page(dbs, statement, keys, pages[-1].next_cursor, size=3))
        shown = [(e.name, e.id) for page in pages for e in page]
        everyone = dbs.scalars(statement).all()
        assert shown == sorted(((e.name, e.id) for e in everyone), key=lambda row: (row[0], -row[1]))
        assert [len(page) for page in pages] == [3, 3, 2]


def test_a_page_is_one_query_plus_a_fixed_number_of_loads(app: Flask, world: World) -> None:
    """A page reads one more row than it shows, with LIMIT, never the whole list."""
    with app.app_context():
        dbs = db.session()
        for number in range(5):
            make_employer(dbs, world.school, name=f"Employer {number}")
        dbs.commit()
        keys = (SortKey(Employer.name, False, lambda e: e.name), SortKey(Employer.id, False, lambda e: e.id))
        with recorded_sql(app) as statements:
            page = keyset_page(dbs, select(Employer), keys, None, size=2)
        assert len(page) == 2 and page.has_more
        assert len(statements) == 1 and "LIMIT" in statements[0].upper()
