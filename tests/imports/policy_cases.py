"""The access matrix for imports: the CSV import is the careers leader's alone; a group's login cards
are for the staff who work with that group (and the careers leader)."""
from __future__ import annotations

import io

from tests.web.policy_matrix import ADMIN_ONLY, Case, everyone

ONE_LEARNER = b"upn,first_name,last_name,date_of_birth,group\nZ100000000001,Alex,Morgan,2011-02-03,Oak\n"
GROUP = everyone(403, anonymous=302, ta=200, admin=200, other_school_admin=404)


def _admin(status: int) -> dict[str, int]:
    return {k: (status if v == 200 else v) for k, v in ADMIN_ONLY.items()}


CASES = [
    Case("imports.upload_form", "GET", lambda w: "/imports/learners", ADMIN_ONLY),
    Case("imports.preview", "POST", lambda w: "/imports/learners", ADMIN_ONLY,
         lambda w: {"learners": (io.BytesIO(ONE_LEARNER), "learners.csv")}),
    # Nothing is waiting, so there is nothing to confirm: a kind refusal, not an import.
    Case("imports.confirm", "POST", lambda w: "/imports/learners/confirm", _admin(400)),
    Case("imports.cancel", "POST", lambda w: "/imports/learners/cancel", _admin(302)),
    Case("imports.template", "GET", lambda w: "/imports/learners/template.csv", ADMIN_ONLY),
    Case("imports.group_cards", "GET", lambda w: f"/imports/groups/{w.group.id}/cards", GROUP),
    Case("imports.print_group_cards", "POST", lambda w: f"/imports/groups/{w.group.id}/cards", GROUP),
    Case("imports.group_cards", "GET", lambda w: f"/imports/groups/{w.other_group.id}/cards",
         everyone(403, anonymous=302, other_ta=200, admin=200, other_school_admin=404)),
]
