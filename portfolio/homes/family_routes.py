"""Pages for parents and carers: their own children only."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portfolio import db
from portfolio.careers import evidence
from portfolio.careers import service as careers
from portfolio.experiences import service as experiences
from portfolio.models import ExperienceStatus, User
from portfolio.notices import service as notices
from portfolio.people import consent
from portfolio.reviews import service as annual_review
from portfolio.web import hx, policy
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("family", __name__, url_prefix="/family")


@bp.get("/")
@policy.guard("family.home")
def home():
    return render_template("family/home.html", children=list(current_user.children),
                           notices_new=notices.unseen_count(db.session(), policy.actor()))


@bp.get("/learners/<int:learner_id>")
@policy.guard("learner.view", arg="learner_id")
def child(learner: User):
    """A child's shared entries, newest first, a page at a time (only the next cards when htmx asks)."""
    try:
        shared = experiences.portfolio_page(db.session(), learner, statuses=[ExperienceStatus.SHARED],
                                            after=request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    show_photos = consent.allows(db.session(), learner, consent.ConsentUse.WITH_FAMILY)
    if hx.wants_fragment("family-entries"):
        return hx.render("family/child.html", "family/_entries_page.html", "family-entries",
                         learner=learner, entries=shared, show_photos=show_photos)
    final_packs = [p for p in annual_review.packs_for(db.session(), learner) if p.is_final]
    today = experiences.today()
    return hx.render("family/child.html", "family/_entries_page.html", "family-entries",
                     learner=learner, entries=shared, final_packs=final_packs,
                     latest_pack=annual_review.latest_final(db.session(), learner),
                     show_photos=show_photos, today=today,
                     coming_up=careers.upcoming_for_learner(db.session(), learner, today, days=14),
                     evidence=evidence.learner_summary(db.session(), learner, today),
                     # A parent with one child lands here after signing in, so what is new is here too.
                     notices_new=notices.unseen_count(db.session(), policy.actor()))
