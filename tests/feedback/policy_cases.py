"""The access matrix for feedback."""
from __future__ import annotations

CASES: list = []
