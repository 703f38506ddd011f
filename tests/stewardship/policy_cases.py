"""The access matrix for a learner's audit trail and subject access download: only an admin of the
learner's own school; another school's admin gets 404, everyone else 403."""
from __future__ import annotations

from typing import Any

from tests.web.policy_matrix import Case, everyone

ADMIN_OF_LEARNER = everyone(403, anonymous=302, admin=200, other_school_admin=404)


def _trail(w: Any, rest: str = "") -> str:
    return f"/stewardship/learners/{w.learner.id}/trail{rest}"


CASES = [
    Case("stewardship.learner_trail", "GET", _trail, ADMIN_OF_LEARNER),
    Case("stewardship.learner_trail", "GET", lambda w: _trail(w, "?from=yesterday"),
         everyone(403, anonymous=302, admin=400, other_school_admin=404)),
    Case("stewardship.trail_csv", "GET", lambda w: _trail(w, ".csv?action=created"), ADMIN_OF_LEARNER),
    Case("stewardship.subject_access_download", "POST",
         lambda w: f"/stewardship/learners/{w.learner.id}/subject-access", ADMIN_OF_LEARNER),
    # Not a learner: an adult's account has no trail page here.
    Case("stewardship.learner_trail", "GET", lambda w: f"/stewardship/learners/{w.ta.id}/trail",
         everyone(403, anonymous=302, admin=404, other_school_admin=404)),
]
