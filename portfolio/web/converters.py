"""The one URL converter for ids.

Every row id the app hands out fits in a signed 64-bit integer, the widest integer column
SQLite and PostgreSQL have. Werkzeug's ``int`` converter accepts any number of digits, and a
larger one reaches the database driver, which fails with an OverflowError (a 500) instead of
finding nothing. This converter takes the place of ``int`` for every route, so such an id is
simply a page that does not exist: 404, before any guard or service runs.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

LARGEST_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """``<int:x>`` limited to the ids a database can hold (0 to 2**63 - 1)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Swap in the bounded converter. Rules take their converter when they are added, so this
    runs before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter
