"""The access matrix for reports: the school summary and its downloads are for the careers leader only."""
from __future__ import annotations

from tests.web.policy_matrix import ADMIN_ONLY, Case


def _refused(status: int) -> dict[str, int]:
    return {k: (status if v == 200 else v) for k, v in ADMIN_ONLY.items()}


CASES = [
    Case("reports.summary", "GET", lambda w: "/reports/", ADMIN_ONLY),
    Case("reports.summary", "GET", lambda w: "/reports/?year=1999", _refused(400)),
    Case("reports.summary_pdf", "GET", lambda w: "/reports/summary.pdf", ADMIN_ONLY),
    Case("reports.learners_csv", "GET", lambda w: "/reports/learners.csv", ADMIN_ONLY),
    Case("reports.destinations_csv", "GET", lambda w: "/reports/destinations.csv", ADMIN_ONLY),
]
