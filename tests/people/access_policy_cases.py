"""The access matrix for a learner's access settings page: their own group's staff and the careers leader."""
from __future__ import annotations

from tests.web.policy_matrix import SUPPORT, Case

SETTINGS = {"text_size": "large", "symbol_mode": "symbols-only", "high_contrast": "on", "scan_mode": "one-switch",
            "scan_seconds": "2.0", "scan_speaks": "on", "hear_first": "on"}

CASES = [
    Case("access.edit", "GET", lambda w: f"/staff/learners/{w.learner.id}/access", SUPPORT),
    Case("access.save", "POST", lambda w: f"/staff/learners/{w.learner.id}/access", SUPPORT, lambda w: SETTINGS),
]
