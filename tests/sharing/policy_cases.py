"""Access-matrix cases for sharing outside school and photo consent.

The /share/ routes are public, so every actor gets the same answer; what changes the answer
is the link itself: working, expired, stopped, wrong, or another school's link used to reach
Sam's things.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import PassportStatement, User, utcnow
from portfolio.people import consent
from portfolio.people.consent import ConsentAnswers
from portfolio.sharing import service as sharing
from tests.factories import Entries, World, make_activity, make_employer
from tests.web.policy_matrix import SUPPORT, Case, everyone, support


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context(), app.test_request_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        ta = session.get(User, world.ta.id)
        elsewhere = session.get(User, world.other_school_learner.id)
        elsewhere_admin = session.get(User, world.other_school_admin.id)
        for who in (learner, elsewhere):
            session.add(PassportStatement(school_id=who.school_id, learner_id=who.id, section="likes",
                                          text="I like plants", position=0))
        session.flush()
        consent.set_consent(session, learner, ta, ConsentAnswers(True, True, True))

        def make(who: User, by: User, **extra: Any) -> sharing.IssuedLink:
            return sharing.create_link(session, who, by, audience="Green Fingers", sections=["likes"], **extra)

        working = make(learner, ta, experience_ids=[entries.shared.id])
        expired = make(learner, ta, experience_ids=[entries.shared.id])
        expired.link.expires_at = utcnow() - timedelta(minutes=1)
        revoked = make(learner, ta, experience_ids=[entries.shared.id])
        sharing.revoke(session, learner, revoked.link.id)
        to_revoke = make(learner, ta, experience_ids=[])
        placement = make_activity(session, learner.school, [learner], employer=make_employer(session, learner.school))
        for_placement = make(learner, ta, experience_ids=[], activity=placement)
        other_school = make(elsewhere, elsewhere_admin, experience_ids=[])
        session.commit()
        return {
            "share_token": working.token,
            "expired_token": expired.token,
            "revoked_token": revoked.token,
            "other_school_token": other_school.token,
            "share_link_id": working.link.id,
            "revoke_link_id": to_revoke.link.id,
            "placement_share_token": for_placement.token,
        }


def _share(token: str, rest: str = "") -> str:
    return f"/share/{token}{rest}"


CASES = [
    # The public About me page.
    Case("sharing.shared_page", "GET", lambda w: _share(w.share_token), everyone(200)),
    Case("sharing.shared_page", "GET", lambda w: _share(w.expired_token), everyone(410)),
    Case("sharing.shared_page", "GET", lambda w: _share(w.revoked_token), everyone(410)),
    Case("sharing.shared_page", "GET", lambda w: _share("not-a-real-token"), everyone(404)),
    # Another school's link opens only its own learner's page.
    Case("sharing.shared_page", "GET", lambda w: _share(w.other_school_token), everyone(200)),
    Case("sharing.photo", "GET", lambda w: _share(w.share_token, f"/photos/{w.photo_id}"), everyone(200)),
    Case("sharing.photo", "GET", lambda w: _share(w.expired_token, f"/photos/{w.photo_id}"), everyone(410)),
    Case("sharing.photo", "GET", lambda w: _share(w.revoked_token, f"/photos/{w.photo_id}"), everyone(410)),
    Case("sharing.photo", "GET", lambda w: _share("not-a-real-token", f"/photos/{w.photo_id}"), everyone(404)),
    Case("sharing.photo", "GET", lambda w: _share(w.other_school_token, f"/photos/{w.photo_id}"), everyone(404)),
    Case("sharing.voice", "GET", lambda w: _share(w.share_token, f"/experiences/{w.shared.id}/voice"), everyone(200)),
    Case("sharing.voice", "GET", lambda w: _share(w.revoked_token, f"/experiences/{w.shared.id}/voice"),
         everyone(410)),
    Case("sharing.voice", "GET", lambda w: _share(w.share_token, f"/experiences/{w.draft.id}/voice"), everyone(404)),
    Case("sharing.voice", "GET", lambda w: _share(w.other_school_token, f"/experiences/{w.shared.id}/voice"),
         everyone(404)),
    Case("sharing.school_symbol", "GET", lambda w: _share(w.share_token, f"/symbols/{w.school_symbol_id}"),
         everyone(200)),
    Case("sharing.school_symbol", "GET", lambda w: _share(w.other_school_token, f"/symbols/{w.school_symbol_id}"),
         everyone(404)),
    Case("sharing.school_symbol", "GET", lambda w: _share(w.expired_token, f"/symbols/{w.school_symbol_id}"),
         everyone(410)),
    Case("sharing.hear", "GET", lambda w: _share(w.share_token, "/hear/WzEsIlNhbSJd.forged"), everyone(404)),
    Case("sharing.hear", "GET", lambda w: _share(w.expired_token, "/hear/WzEsIlNhbSJd.forged"), everyone(410)),
    Case("sharing.hear", "GET", lambda w: _share("not-a-real-token", "/hear/WzEsIlNhbSJd.forged"), everyone(404)),
    # From a page made for today's placement to its feedback form; a page made for no activity has none.
    Case("sharing.feedback", "GET", lambda w: _share(w.placement_share_token, "/feedback"), everyone(302)),
    Case("sharing.feedback", "GET", lambda w: _share(w.share_token, "/feedback"), everyone(404)),
    Case("sharing.feedback", "GET", lambda w: _share(w.expired_token, "/feedback"), everyone(410)),
    # Staff who support the learner manage links and photo consent.
    Case("sharing.links", "GET", lambda w: f"/staff/learners/{w.learner.id}/share", SUPPORT),
    Case("sharing.new_link", "GET", lambda w: f"/staff/learners/{w.learner.id}/share/new", SUPPORT),
    Case("sharing.new_link", "POST", lambda w: f"/staff/learners/{w.learner.id}/share/new", support(302),
         lambda w: {"audience": "Riverside College", "section": "likes", "days": "30"}),
    Case("sharing.created", "GET", lambda w: f"/staff/learners/{w.learner.id}/share/{w.share_link_id}/created",
         SUPPORT),
    Case("sharing.revoke", "POST", lambda w: f"/staff/learners/{w.learner.id}/share/{w.revoke_link_id}/revoke",
         support(302)),
    Case("sharing.photo_consent", "GET", lambda w: f"/staff/learners/{w.learner.id}/consent", SUPPORT),
    Case("sharing.photo_consent", "POST", lambda w: f"/staff/learners/{w.learner.id}/consent", support(302),
         lambda w: {"in-school": "yes", "with-family": "yes", "outside-school": "no"}),
]
