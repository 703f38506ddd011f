"""The access matrix for the school's own symbols."""
from __future__ import annotations

from tests.web.policy_matrix import STAFF_ONLY, Case, everyone

CASES = [
    Case("symbols.manage", "GET", lambda w: "/symbols/", STAFF_ONLY),
    Case("symbols.manage", "POST", lambda w: "/symbols/",
         {k: (400 if v == 200 else v) for k, v in STAFF_ONLY.items()}, lambda w: {"word": "kitchen"}),
    # Public artwork from the installed OpenMoji, the same for everyone.
    Case("symbols.openmoji", "GET", lambda w: "/symbols/openmoji/1F692.svg", everyone(200)),
    Case("symbols.image", "GET", lambda w: f"/symbols/{w.school_symbol_id}/image",
         everyone(200, anonymous=302, other_school_admin=404)),
    # The first member of staff takes the symbol away, so everyone after finds nothing there.
    Case("symbols.remove", "POST", lambda w: f"/symbols/{w.school_symbol_id}/remove",
         everyone(403, anonymous=302, ta=302, other_ta=404, admin=404, other_school_admin=404)),
]
