"""The access matrix for cohort."""
from __future__ import annotations

CASES: list = []
