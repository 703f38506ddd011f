"""One way to read a long list a page at a time: keyset ("after this row") paging.

A page is asked for by the sort values of the last row already shown, never by an offset, so
page 50 costs what page 1 costs and a row added meanwhile neither repeats nor skips one. The
cursor is those values, typed by their SQL column and packed into a short URL-safe string; it
is not secret (it only says where a list the reader may already see carries on), and a cursor
that cannot be read is refused with a kind sentence rather than guessed at.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portfolio.errors import KindError

T = TypeVar("T")

PAGE_SIZE = 12  # cards: about two screens of an iPad
TABLE_PAGE_SIZE = 50  # rows in a staff table, which adults scan down rather than scroll through


class PagingError(KindError):
    """A "show more" link that no longer makes sense (cut short, or changed by hand)."""


@dataclass(frozen=True)
class SortKey(Generic[T]):
    """One column of a list's order: the SQL expression, its direction, and how to read it off a row."""

    expression: ColumnElement[Any]
    descending: bool
    value: Callable[[T], Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, and where the next page starts (``None`` at the end)."""

    items: list[T]
    next_cursor: str | None = None
    after: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None

    @property
    def is_first(self) -> bool:
        return self.after is None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def keyset_page(dbs: Session, statement: Select[Any], keys: Sequence[SortKey[T]], after: str | None = None,
                size: int = PAGE_SIZE) -> Page[T]:
    """The page of ``statement``'s rows that follows the cursor ``after`` (the first page without one).

    ``keys`` is the whole order and must end in something unique (the id), so every row has
    exactly one place. One more row than a page is read, to know whether another page follows.
    """
    if after:
        statement = statement.where(_beyond(keys, decode_cursor(after, keys)))
    ordering = [key.expression.desc() if key.descending else key.expression.asc() for key in keys]
    rows = list(dbs.scalars(statement.order_by(*ordering).limit(size + 1)))
    if len(rows) <= size:
        return Page(rows, None, after or None)
    shown = rows[:size]
    return Page(shown, encode_cursor([key.value(shown[-1]) for key in keys]), after or None)


def _beyond(keys: Sequence[SortKey[Any]], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the list's order, written out so mixed directions work anywhere:
    ``k1 past v1 OR (k1 = v1 AND (k2 past v2 OR (k2 = v2 AND ...)))``."""
    condition: ColumnElement[bool] | None = None
    for key, value in reversed(list(zip(keys, values))):
        past = key.expression < value if key.descending else key.expression > value
        condition = past if condition is None else or_(past, and_(key.expression == value, condition))
    assert condition is not None
    return condition


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, (date, datetime)) else value for value in values]
    packed = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[SortKey[Any]]) -> list[Any]:
    """The sort values in ``cursor``, each turned back into its column's Python type."""
    try:
        packed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(packed)
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError("wrong length")
        return [_typed(value, key.expression) for value, key in zip(plain, keys)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise PagingError("That list has changed. Please go back to the start of it.") from None


def _typed(value: Any, expression: ColumnElement[Any]) -> Any:
    kind = expression.type.python_type
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError("not a whole number")
    if kind is str and not isinstance(value, str):
        raise TypeError("not words")
    return value
