"""Access-matrix cases for erasure: only the careers leader of the learner's own school may erase.

Another school's careers leader gets 404, as for any record of another school. The POST cases type
the right name, so the admin's answer is the redirect after a real erasure.
"""
from __future__ import annotations

from tests.web.policy_matrix import Case, everyone

ERASE = everyone(403, anonymous=302, admin=200, other_school_admin=404)
ERASED = everyone(403, anonymous=302, admin=302, other_school_admin=404)

CASES = [
    Case("erasure.learner", "GET", lambda w: f"/staff/learners/{w.learner.id}/erase", ERASE),
    Case("erasure.learner", "POST", lambda w: f"/staff/learners/{w.learner.id}/erase", ERASED,
         data=lambda w: {"name": "Sam Patel"}),
    Case("erasure.entry", "GET", lambda w: f"/experiences/{w.shared.id}/erase", ERASE),
    Case("erasure.entry", "POST", lambda w: f"/experiences/{w.shared.id}/erase", ERASED,
         data=lambda w: {"name": "sam  patel"}),
]
