"""The access matrix for reports."""
from __future__ import annotations

CASES: list = []
