"""The access matrix for choosing a password through an emailed link and for the careers leader's invitations."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import User, utcnow
from portfolio.people import passwords
from tests.factories import Entries, World
from tests.web.policy_matrix import ADMIN_ONLY, Case, everyone

WEAK = {"password": "short", "confirm": "short"}


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    """A live reset link for the parent and a live invitation link for the TA."""
    with app.app_context():
        session = db.session()
        now = utcnow()
        reset = passwords.issue_link(session, session.get(User, world.parent.id), passwords.RESET,
                                     timedelta(hours=1), now)
        invitation = passwords.issue_link(session, session.get(User, world.ta.id), passwords.INVITATION,
                                          timedelta(hours=72), now)
        session.commit()
    return {"reset_token": reset, "invitation_token": invitation}


CASES = [
    Case("passwords.forgot", "GET", lambda w: "/password/forgot", everyone(200)),
    Case("passwords.forgot", "POST", lambda w: "/password/forgot", everyone(200),
         lambda w: {"email": "nobody@nowhere.example"}),
    # A live link opens for whoever holds it; a weak password is refused and the link kept.
    Case("passwords.reset", "GET", lambda w: f"/password/reset/{w.reset_token}", everyone(200)),
    Case("passwords.reset", "POST", lambda w: f"/password/reset/{w.reset_token}", everyone(400), lambda w: WEAK),
    Case("passwords.accept_invitation", "GET", lambda w: f"/invitation/{w.invitation_token}", everyone(200)),
    Case("passwords.accept_invitation", "POST", lambda w: f"/invitation/{w.invitation_token}", everyone(400),
         lambda w: WEAK),
    Case("admin.invite", "GET", lambda w: "/admin/people/invite", ADMIN_ONLY),
    Case("admin.invite", "POST", lambda w: "/admin/people/invite",
         {k: (400 if v == 200 else v) for k, v in ADMIN_ONLY.items()}, lambda w: {"role": "learner"}),
    Case("admin.send_invitation", "POST", lambda w: f"/admin/people/{w.parent.id}/invite",
         everyone(403, anonymous=302, admin=302, other_school_admin=404)),
]
