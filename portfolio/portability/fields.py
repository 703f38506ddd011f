"""Checking ``portfolio.json`` field by field: the small checks every part of the importer shares.

Each check returns the value it was given (typed) or raises ``Bad`` with what is wrong, and
``get`` adds where in the document it was, so the log says exactly which field broke a rule
while the person importing only sees a kind sentence.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from portfolio.portability.format import is_uid

T = TypeVar("T")


@dataclass(frozen=True)
class MediaRef:
    path: str
    sha256: str


class Bad(Exception):
    """A field that does not fit the format; turned into ``BAD_DETAILS`` with the path for the log."""


def get(obj: dict[str, Any], key: str, where: str, check: Callable[[Any], T], optional: bool = False) -> T:
    if key not in obj:
        if optional:
            return check(None)
        raise Bad(f"{where}.{key} is missing")
    try:
        return check(obj[key])
    except Bad as problem:
        raise Bad(f"{where}.{key}: {problem}") from None


def text(limit: int, nullable: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise Bad("is not text")
        if len(value) > limit:
            raise Bad(f"is longer than {limit}")
        return value
    return check


def choice(values: set[str], nullable: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if value not in values:
            raise Bad(f"{value!r} is not one of the choices")
        return str(value)
    return check


def enum_values(enum: Any) -> set[str]:
    return {member.value for member in enum}


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad("is not true or false")
    return value


def whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -1_000_000 <= value <= 1_000_000:
        raise Bad("is not a whole number")
    return value


def day(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Bad("is not a date") from None


def moment(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).removesuffix("Z")) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise Bad("is not a date and time")
    return moment.replace(tzinfo=None)


def uid(value: Any) -> str:
    if not is_uid(value):
        raise Bad("is not a uid")
    return str(value)


def list_of(limit: int) -> Callable[[Any], list[Any]]:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise Bad("is not a list")
        if len(value) > limit:
            raise Bad(f"has more than {limit} items")
        return value
    return check


def mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Bad("is not an object")
    return value


def media(value: Any) -> MediaRef | None:
    if value is None:
        return None
    found = mapping(value)
    path = get(found, "path", "media", text(300))
    digest = get(found, "sha256", "media", text(64))
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise Bad("sha256 is not a SHA-256")
    if not path.startswith("media/"):
        raise Bad("path is not under media/")
    return MediaRef(path, digest)
