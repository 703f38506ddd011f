"""Reading ids from forms and query strings, one way everywhere.

``str.isdigit`` also accepts characters such as "²" that ``int`` refuses, and a huge number overflows
the database's integers; both would be a 500. An id here is ASCII digits up to ``LARGEST_ID``, or nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from portfolio.db import LARGEST_ID

_ID = re.compile(r"[0-9]{1,18}")


def form_id(value: str | None) -> int | None:
    """The id a form sent, or None for anything that is not one (or is past what an id column holds)."""
    if value is None or not _ID.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None


def form_ids(values: Iterable[str]) -> list[int]:
    """The ids among what a form sent (checkboxes), leaving out anything that is not one."""
    return [found for found in (form_id(value) for value in values) if found is not None]
