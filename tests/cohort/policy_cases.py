"""The access matrix for cohort: the grid, its CSV and the reviews coming up are for staff and the
careers leader of any school (each sees only their own school's, and staff only their groups')."""
from __future__ import annotations

from tests.web.policy_matrix import STAFF_ONLY, Case

CASES = [
    Case("cohort.grid", "GET", lambda w: "/cohort/", STAFF_ONLY),
    Case("cohort.grid", "GET", lambda w: f"/cohort/?group={w.group.id}&year=9&ehc=yes&need=semh&sort=b5&dir=desc",
         STAFF_ONLY),
    Case("cohort.grid_csv", "GET", lambda w: "/cohort/grid.csv", STAFF_ONLY),
    Case("cohort.reviews", "GET", lambda w: "/cohort/reviews", STAFF_ONLY),
]
