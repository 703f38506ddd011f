"""The access matrix for the home pages of learners, staff and families, and the public pages."""
from __future__ import annotations

from tests.web.policy_matrix import STAFF_ONLY, SUPPORT, Case, everyone, support

CASES = [
    Case("main.about", "GET", lambda w: "/about", everyone(200)),
    Case("main.health", "GET", lambda w: "/health", everyone(200)),
    Case("learner.home", "GET", lambda w: "/me/", everyone(403, anonymous=302, learner=200, other_learner=200)),
    Case("staff.home", "GET", lambda w: "/staff/", STAFF_ONLY),
    Case("staff.tablet", "GET", lambda w: "/staff/tablet", STAFF_ONLY),
    Case("staff.tablet", "POST", lambda w: "/staff/tablet", support(302) | {"other_ta": 302, "other_school_admin": 302}),
    Case("staff.learner", "GET", lambda w: f"/staff/learners/{w.learner.id}", SUPPORT),
    Case("staff.settings", "POST", lambda w: f"/staff/learners/{w.learner.id}/settings", SUPPORT,
         lambda w: {"text_size": "large", "symbol_mode": "text-only", "high_contrast": "on"}),
    Case("staff.issue_card", "POST", lambda w: f"/staff/learners/{w.learner.id}/card", support(302)),
    Case("staff.print_card", "GET", lambda w: f"/staff/learners/{w.learner.id}/card", SUPPORT),
    Case("staff.revoke_card", "POST", lambda w: f"/staff/learners/{w.learner.id}/card/revoke", support(302)),
    Case("staff.handover", "POST", lambda w: f"/staff/learners/{w.learner.id}/handover", support(302)),
    Case("family.home", "GET", lambda w: "/family/", everyone(403, anonymous=302, parent=200, other_parent=200)),
    Case("family.child", "GET", lambda w: f"/family/learners/{w.learner.id}",
         everyone(403, anonymous=302, learner=200, ta=200, parent=200, admin=200, other_school_admin=404)),
    Case("staff.to_check", "GET", lambda w: "/staff/to-check", STAFF_ONLY),
]
