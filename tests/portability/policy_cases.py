"""Access matrix cases for the portable portfolio: staff export their learners'; the careers leader imports."""
from __future__ import annotations

from tests.web.policy_matrix import ADMIN_ONLY, SUPPORT, Case

CASES: list[Case] = [
    # Sam's group TA and the admin get the zip; another school's admin cannot learn that Sam exists.
    Case("portability.export", "POST", lambda w: f"/portability/learners/{w.learner.id}/export", SUPPORT),
    Case("portability.import_portfolio", "GET", lambda w: "/portability/import", ADMIN_ONLY),
    # No file and no group: both admins reach the form and are told what is missing.
    Case("portability.import_portfolio", "POST", lambda w: "/portability/import",
         {k: (400 if v == 200 else v) for k, v in ADMIN_ONLY.items()}),
]
