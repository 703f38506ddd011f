"""The access matrix for signing in and out, and the admin's people and groups pages."""
from __future__ import annotations

from tests.web.policy_matrix import ADMIN_ONLY, Case, everyone

CASES = [
    Case("auth.welcome", "GET", lambda w: "/", everyone(302, anonymous=200)),
    Case("auth.login", "GET", lambda w: "/login", everyone(200)),
    Case("auth.login", "POST", lambda w: "/login", everyone(401), lambda w: {"email": "x@example.org", "password": "no"}),
    Case("auth.code", "POST", lambda w: "/code", everyone(403), lambda w: {"code": w.card_code}),
    Case("auth.card_check", "POST", lambda w: "/card/check", everyone(403), lambda w: {"picture": "dog"}),
    Case("auth.logout", "POST", lambda w: "/logout", everyone(302)),
    Case("auth.card", "GET", lambda w: f"/card/{w.card_token}", everyone(403)),  # no school tablet
    Case("auth.code", "GET", lambda w: "/code", everyone(403)),
    Case("auth.card_check", "GET", lambda w: "/card/check", everyone(403)),
    Case("admin.home", "GET", lambda w: "/admin/", ADMIN_ONLY),
    Case("admin.people", "GET", lambda w: "/admin/people", ADMIN_ONLY),
    Case("admin.new_person", "GET", lambda w: "/admin/people/new", ADMIN_ONLY),
    Case("admin.new_person", "POST", lambda w: "/admin/people/new",
         {k: (400 if v == 200 else v) for k, v in ADMIN_ONLY.items()}, lambda w: {"role": "learner"}),
    Case("admin.person", "GET", lambda w: f"/admin/people/{w.learner.id}",
         everyone(403, anonymous=302, admin=200, other_school_admin=404)),
    Case("admin.person", "POST", lambda w: f"/admin/people/{w.learner.id}",
         everyone(403, anonymous=302, admin=302, other_school_admin=404),
         lambda w: {"display_name": "Sam Patel", "group_id": str(w.group.id), "active": "on"}),
    Case("admin.groups", "GET", lambda w: "/admin/groups", ADMIN_ONLY),
    Case("admin.groups", "POST", lambda w: "/admin/groups",
         {k: (400 if v == 200 else v) for k, v in ADMIN_ONLY.items()}, lambda w: {"name": ""}),
    Case("admin.group", "GET", lambda w: f"/admin/groups/{w.group.id}",
         everyone(403, anonymous=302, admin=200, other_school_admin=404)),
]
