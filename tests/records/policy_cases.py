"""The access matrix for records."""
from __future__ import annotations

CASES: list = []
