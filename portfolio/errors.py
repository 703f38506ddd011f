"""The one shape every service uses for "this cannot be done": a kind sentence to show people."""
from __future__ import annotations


class KindError(ValueError):
    """A refusal whose ``message`` is plain, kind and safe to show to a learner, parent or TA."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
