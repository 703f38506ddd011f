"""The shared parts of the access matrix: actors, expected-status helpers and the Case record.

Each area's cases live in ``tests/<area>/policy_cases.py`` (a ``CASES`` list, and optionally a
``setup(app, world, entries)`` giving the objects its URLs need); ``tests/web/test_policy.py`` runs them all.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import Entries, World

ACTORS = ("anonymous", "learner", "other_learner", "ta", "other_ta", "parent", "other_parent", "admin",
          "other_school_admin")


@dataclass
class Case:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    data: Callable[[World], dict] = field(default=lambda w: {})


def everyone(status: int, **overrides: int) -> dict[str, int]:
    result = {actor: status for actor in ACTORS}
    result.update(overrides)
    return result


SIGNED_IN_ONLY = dict(anonymous=302)
STAFF_ONLY = everyone(403, anonymous=302, ta=200, other_ta=200, admin=200, other_school_admin=200)
ADMIN_ONLY = everyone(403, anonymous=302, admin=200, other_school_admin=200)
# Working with one learner: their own group's TA and the admin; another school's admin gets 404.
SUPPORT = everyone(403, anonymous=302, ta=200, admin=200, other_school_admin=404)


def support(status: int) -> dict[str, int]:
    return {k: (status if v == 200 else v) for k, v in SUPPORT.items()}


# A draft: the learner themselves, and the staff who support them.
EDIT = SUPPORT | {"learner": 200}
# A shared entry: also the learner's own parent.
VIEW_SHARED = EDIT | {"parent": 200}


def edit(status: int) -> dict[str, int]:
    return {k: (status if v == 200 else v) for k, v in EDIT.items()}


class WorldWithEntries:
    """Lets a case's lambdas reach the people (``w.learner``), the entries (``w.draft``) and any
    objects an area's ``setup`` made (``w.statement``)."""

    def __init__(self, world: World, entries: Entries, extra: dict[str, Any] | None = None) -> None:
        self._world, self._entries, self._extra = world, entries, extra or {}

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name in self._extra:
            return self._extra[name]
        return getattr(self._entries if hasattr(self._entries, name) else self._world, name)
