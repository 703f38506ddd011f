"""The access matrix for careers."""
from __future__ import annotations

CASES: list = []
