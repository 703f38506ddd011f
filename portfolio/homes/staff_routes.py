"""Pages for teachers and TAs (and the careers leader, who can do everything staff can)."""
from __future__ import annotations

from datetime import date

import segno
from flask import Blueprint, current_app, flash, make_response, render_template, request, session, url_for
from flask_login import current_user

from portfolio import db
from portfolio.careers import evidence as careers_evidence
from portfolio.errors import KindError
from portfolio.experiences import drafts
from portfolio.experiences import service as experiences
from portfolio.models import SymbolMode, TextSize, User, utcnow
from portfolio.notices import service as notices
from portfolio.offline.sync_routes import offer_queue_for
from portfolio.people import accounts, cards, tablets
from portfolio.people.sessions import sign_in
from portfolio.web import hx, policy
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@policy.guard("staff.home")
def home():
    learners = accounts.learners_for(db.session(), current_user)
    return render_template("staff/home.html", learners=learners,
                           waiting_count=experiences.count_to_check(db.session(), learners),
                           notices_new=notices.unseen_count(db.session(), policy.actor()))


@bp.get("/to-check")
@policy.guard("staff.home")
def to_check():
    """Entries waiting for a check from the learners this person supports, oldest first, a page at a time."""
    learners = accounts.learners_for(db.session(), current_user)
    try:
        waiting = experiences.to_check(db.session(), learners, after=request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    return hx.render("staff/to_check.html", "staff/_to_check_page.html", "to-check-list", entries=waiting)


@bp.get("/learners/<int:learner_id>")
@policy.guard("learner.support", arg="learner_id")
def learner(learner: User):
    try:
        entries = experiences.portfolio_page(db.session(), learner, after=request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    if hx.wants_fragment("learner-entries"):
        return hx.render("staff/learner.html", "staff/_learner_entries_page.html", "learner-entries",
                         learner=learner, entries=entries)
    offer_queue_for(learner)
    return hx.render(
        "staff/learner.html", "staff/_learner_entries_page.html", "learner-entries",
        learner=learner,
        card=cards.current_card(db.session(), learner),
        entries=entries,
        text_sizes=list(TextSize),
        symbol_modes=list(SymbolMode),
        saved=False,
        error=None,
        evidence=careers_evidence.learner_summary(db.session(), learner, date.today()),
        unfinished_count=drafts.count_unfinished(db.session(), learner, utcnow()),
    )


@bp.post("/learners/<int:learner_id>/settings")
@policy.guard("learner.support", arg="learner_id")
def settings(learner: User):
    error = None
    try:
        accounts.set_display_settings(
            learner,
            text_size=request.form.get("text_size", ""),
            high_contrast=request.form.get("high_contrast") == "on",
            symbol_mode=request.form.get("symbol_mode", ""),
        )
        db.session().commit()
    except accounts.AccountError as exc:
        db.session().rollback()
        error = exc.message
    return hx.render(
        "staff/learner.html",
        "staff/_display_settings.html",
        "display-settings",
        status=200 if error is None else 400,
        learner=learner,
        card=cards.current_card(db.session(), learner),
        entries=experiences.portfolio_page(db.session(), learner),
        text_sizes=list(TextSize),
        symbol_modes=list(SymbolMode),
        saved=error is None,
        error=error,
    )


@bp.post("/learners/<int:learner_id>/card")
@policy.guard("learner.support", arg="learner_id")
def issue_card(learner: User):
    issued = cards.issue_card(db.session(), learner, current_user, current_app.config["LOGIN_CARD_DAYS"])
    db.session().commit()
    # Held in the (signed, http-only) session only until the card page shows it once.
    session["printable_card"] = {"learner": learner.id, "token": issued.token, "code": issued.short_code}
    return hx.redirect_to(url_for("staff.print_card", learner_id=learner.id))


@bp.get("/learners/<int:learner_id>/card")
@policy.guard("learner.support", arg="learner_id")
def print_card(learner: User):
    printable = session.get("printable_card")
    if not printable or printable.get("learner") != learner.id:
        return render_template("staff/card_missing.html", learner=learner)
    link = url_for("auth.card", token=printable["token"], _external=True)
    qr_png = segno.make(link, error="m").png_data_uri(scale=6, border=2)
    code = printable["code"]
    return render_template(
        "staff/card_print.html", learner=learner, qr_png=qr_png, code=f"{code[:3]}-{code[3:]}",
        card=cards.current_card(db.session(), learner),
    )


@bp.post("/learners/<int:learner_id>/card/revoke")
@policy.guard("learner.support", arg="learner_id")
def revoke_card(learner: User):
    count = cards.revoke_cards(db.session(), learner)
    db.session().commit()
    session.pop("printable_card", None)
    flash("The card has been stopped. It will not sign in any more." if count else "There was no card to stop.")
    return hx.redirect_to(url_for("staff.learner", learner_id=learner.id))


@bp.post("/learners/<int:learner_id>/handover")
@policy.guard("learner.support", arg="learner_id")
def handover(learner: User):
    """Hand this tablet to the learner: the TA is signed out and the learner is signed in."""
    if not learner.active:
        flash("This learner's account is switched off.")
        return hx.redirect_to(url_for("staff.learner", learner_id=learner.id))
    sign_in(learner, via="handover")
    return hx.redirect_to(url_for("learner.home"))


@bp.route("/tablet", methods=["GET", "POST"])
@policy.guard("staff.home")
def tablet():
    dbs = db.session()
    this_tablet = tablets.tablet_for_token(dbs, request.cookies.get(tablets.COOKIE_NAME))
    if this_tablet is not None and this_tablet.school_id != current_user.school_id:
        this_tablet = None
    if request.method == "POST":
        action = request.form.get("action")
        response = make_response(hx.redirect_to(url_for("staff.tablet")))
        if action == "enrol":
            try:
                record, token = tablets.enrol_tablet(
                    dbs, current_user, request.form.get("name", ""), current_app.config["TRUSTED_TABLET_DAYS"]
                )
            except KindError as problem:  # a name over the limit
                flash(problem.message)
                return response
            dbs.commit()
            response.set_cookie(
                tablets.COOKIE_NAME, token,
                max_age=current_app.config["TRUSTED_TABLET_DAYS"] * 86400,
                httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            flash(f"This tablet is now set up for card sign-in: {record.name}.")
        elif action == "forget" and this_tablet is not None:
            tablets.revoke_tablet(dbs, this_tablet)
            dbs.commit()
            response.delete_cookie(tablets.COOKIE_NAME)
            flash("This tablet will no longer accept login cards.")
        return response
    return render_template(
        "staff/tablet.html", this_tablet=this_tablet, tablets=tablets.tablets_in_school(dbs, current_user.school_id)
    )
