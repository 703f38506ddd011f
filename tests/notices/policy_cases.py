"""The access matrix for notices: each adult's own list and email choices (learners have none), a
notice opened only by the person it is for, and the unsubscribe link open to anyone with it."""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import Notice, User
from portfolio.notices import kinds, service
from tests.factories import Entries, World
from tests.web.policy_matrix import Case, everyone

ADULTS = everyone(200, anonymous=302, learner=403, other_learner=403)
# Only the parent the notice is for; another school's admin does not learn the notice exists.
OWNER = everyone(403, anonymous=302, parent=303, other_school_admin=404)


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        dbs = db.session()
        parent = dbs.get(User, world.parent.id)
        notice = Notice(school_id=world.school.id, user_id=parent.id, learner_id=world.learner.id,
                        kind=kinds.NEW_SHARED_ENTRY, record_kind="experiences", record_id=entries.shared.id)
        dbs.add(notice)
        token = service.new_unsubscribe(dbs, parent, [kinds.NEW_SHARED_ENTRY])
        dbs.commit()
        return {"parent_notice_id": notice.id, "unsubscribe_token": token}


CASES = [
    Case("notices.notice_list", "GET", lambda w: "/notices/", ADULTS),
    Case("notices.notice_list", "GET", lambda w: "/notices/?after=not-a-cursor",
         everyone(400, anonymous=302, learner=403, other_learner=403)),
    Case("notices.settings", "GET", lambda w: "/notices/settings", ADULTS),
    Case("notices.save_settings", "POST", lambda w: "/notices/settings", ADULTS,
         data=lambda w: {kinds.NEW_SHARED_ENTRY: kinds.WEEKLY}),
    Case("notices.save_settings", "POST", lambda w: "/notices/settings",
         everyone(400, anonymous=302, learner=403, other_learner=403, ta=200, other_ta=200, admin=200,
                  other_school_admin=200),
         data=lambda w: {kinds.NEW_SHARED_ENTRY: "hourly"}),
    Case("notices.open_notice", "GET", lambda w: f"/notices/{w.parent_notice_id}", OWNER),
    Case("notices.unsubscribe", "GET", lambda w: f"/notices/unsubscribe/{w.unsubscribe_token}", everyone(200)),
    Case("notices.unsubscribe", "GET", lambda w: "/notices/unsubscribe/guessed-token", everyone(404)),
    Case("notices.switch_back_on", "POST", lambda w: f"/notices/unsubscribe/{w.unsubscribe_token}", everyone(200)),
]
