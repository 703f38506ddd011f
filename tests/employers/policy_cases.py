"""The access matrix for employers."""
from __future__ import annotations

CASES: list = []
