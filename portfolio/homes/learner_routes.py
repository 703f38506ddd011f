"""The learner's own pages. Big pictures, few words, everything can be heard."""
from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from portfolio import db
from portfolio.careers import evidence
from portfolio.careers import service as careers
from portfolio.experiences import drafts
from portfolio.experiences import service as experiences
from portfolio.models import utcnow
from portfolio.reviews import service as annual_review
from portfolio.web import hx, policy
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("learner", __name__, url_prefix="/me")


@bp.get("/")
@policy.guard("learner.home")
def home():
    """The learner's home with the newest page of their portfolio; ``?after=`` gives a later page
    (the whole home without JavaScript, only the next cards when htmx asks for them)."""
    dbs = db.session()
    now = utcnow()  # drafts untouched for 14 days fold into one "Unfinished" card, on every page alike
    try:
        entries = experiences.portfolio_page(dbs, current_user, after=request.args.get("after"),
                                             unfinished_before=drafts.fold_cutoff(now))
    except PagingError as problem:
        return list_refused(problem)
    if hx.wants_fragment("portfolio-list"):
        return hx.render("learner/home.html", "learner/_portfolio_page.html", "portfolio-list", entries=entries)
    today = experiences.today()
    recorded = experiences.recorded_activity_ids(dbs, current_user)
    return hx.render(
        "learner/home.html", "learner/_portfolio_page.html", "portfolio-list",
        learner=current_user,
        today=today,
        activities=[a for a in careers.upcoming_for_learner(dbs, current_user, today) if a.id not in recorded],
        evidence=evidence.learner_summary(dbs, current_user, today),
        draft=experiences.latest_draft(dbs, current_user),
        unfinished_count=drafts.count_unfinished(dbs, current_user, now),
        review_pack=annual_review.latest_final(dbs, current_user),
        entries=entries,
    )
