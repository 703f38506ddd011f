"""The access matrix for imports."""
from __future__ import annotations

CASES: list = []
