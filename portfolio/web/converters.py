"""The one URL converter for ids.

Every row id the app hands out fits in the id columns' ``Integer`` (``portfolio.db.LARGEST_ID``:
32 bits, PostgreSQL's integer). Werkzeug's ``int`` converter accepts any number of digits, and a
larger one reaches the database, which fails (SQLite's driver with an OverflowError past 64 bits,
PostgreSQL with "integer out of range" past 32) with a 500 instead of finding nothing. This converter takes the place of ``int`` for every route, so such an id is
simply a page that does not exist: 404, before any guard or service runs.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from portfolio.db import LARGEST_ID

__all__ = ["LARGEST_ID", "IdConverter", "init_app"]


class IdConverter(IntegerConverter):
    """``<int:x>`` limited to the ids the database can hold (0 to 2**31 - 1)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Swap in the bounded converter. Rules take their converter when they are added, so this
    runs before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter
