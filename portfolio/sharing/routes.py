"""Sharing outside school and photo consent.

Staff pages (under /staff/learners/<id>/) make, list and stop share links and set photo
consent. The /share/<token> pages are public: an employer or college opens them with no
account, so every one of them checks the link first and answers a friendly page, never a
stack, when it has expired, been stopped or never existed. Nothing on them is cached or
indexed, and photos, recordings and read-aloud go only through routes scoped to the link.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portfolio import db
from portfolio.feedback import service as feedback_service
from portfolio.media import serving as media
from portfolio.models import CareersActivity, PassportSection, ShareLink, User
from portfolio.people import consent
from portfolio.people.consent import ConsentAnswers, ConsentUse
from portfolio.secret_links import LinkState
from portfolio.sharing import service as sharing
from portfolio.sharing.service import ShareError
from portfolio.speech import service as speech_service
from portfolio.symbols.pictures import symbol_url
from portfolio.symbols.service import REFERENCE_PREFIX
from portfolio.web import hx, policy, secret_pages
from portfolio.web.forms import form_id, form_ids
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("sharing", __name__)

SHOWN_ONCE_KEY = "share_link_shown"
PUBLIC_VIEWS = frozenset({"sharing.shared_page", "sharing.photo", "sharing.voice", "sharing.hear",
                          "sharing.school_symbol", "sharing.feedback"})


secret_pages.keep_pages_private(bp, PUBLIC_VIEWS)


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _open(token: str) -> tuple[ShareLink | None, tuple[str, int] | None]:
    """The working link for ``token``, or the friendly page to answer instead."""
    lookup = sharing.find_by_token(db.session(), token)
    if lookup.state is not LinkState.ACTIVE or lookup.link is None:
        return None, secret_pages.not_available(lookup.state)
    return lookup.link, None


# --------------------------------------------------------------------------- public pages


@bp.get("/share/<token>")
@policy.public
def shared_page(token: str):
    link, refused = _open(token)
    if link is None:
        return refused
    dbs = db.session()
    page = sharing.page_for(dbs, link)
    sharing.record_access(dbs, link, "page", _user_agent())
    dbs.commit()

    def hear_url(text: str) -> str:
        speech = sharing.speech_token(current_app.config["SECRET_KEY"], link, text)
        return url_for("sharing.hear", token=token, speech=speech)

    def share_symbol_src(reference: str) -> str:
        # A school's own symbols are private media: on this page they come through the link too.
        if reference.startswith(REFERENCE_PREFIX):
            symbol_id = reference[len(REFERENCE_PREFIX):]
            if symbol_id.isdigit():
                return url_for("sharing.school_symbol", token=token, symbol_id=int(symbol_id))
            return symbol_url("info")
        return symbol_url(reference)

    return render_template("sharing/shared.html", page=page, token=token, hear_url=hear_url,
                           share_symbol_src=share_symbol_src, section_symbols=sharing.SECTION_SYMBOLS,
                           feedback_open=sharing.participant_for(link, date.today()) is not None)


@bp.get("/share/<token>/feedback")
@policy.public
def feedback(token: str):
    """From the About me page to the feedback form for the placement it was made for, once it has started."""
    link, refused = _open(token)
    if link is None:
        return refused
    dbs = db.session()
    participant = sharing.participant_for(link, date.today())
    if participant is None:
        return secret_pages.not_available(LinkState.UNKNOWN)
    feedback_token = sharing.feedback_token(current_app.config["SECRET_KEY"], link, participant)
    feedback_service.link_with_token(dbs, participant, feedback_token, expires_at=link.expires_at,
                                     created_by_id=link.created_by_id)
    sharing.record_access(dbs, link, "feedback", _user_agent())
    dbs.commit()
    return redirect(url_for("feedback.form", token=feedback_token))


@bp.get("/share/<token>/photos/<int:photo_id>")
@policy.public
def photo(token: str, photo_id: int):
    link, refused = _open(token)
    if link is None:
        return refused
    dbs = db.session()
    found = sharing.photo_for(dbs, link, photo_id)
    if found is None:
        abort(404)
    sharing.record_access(dbs, link, "photo", _user_agent())
    dbs.commit()
    return media.send_media(found.display)


@bp.get("/share/<token>/experiences/<int:experience_id>/voice")
@policy.public
def voice(token: str, experience_id: int):
    link, refused = _open(token)
    if link is None:
        return refused
    dbs = db.session()
    recording = sharing.voice_for(dbs, link, experience_id)
    if recording is None:
        abort(404)
    sharing.record_access(dbs, link, "voice", _user_agent())
    dbs.commit()
    return media.send_media(recording)


@bp.get("/share/<token>/symbols/<int:symbol_id>")
@policy.public
def school_symbol(token: str, symbol_id: int):
    link, refused = _open(token)
    if link is None:
        return refused
    found = sharing.school_symbol_for(db.session(), link, symbol_id)
    if found is None:
        abort(404)
    return media.send_media(found.image)


@bp.get("/share/<token>/hear/<speech>")
@policy.public
def hear(token: str, speech: str):
    """Read-aloud for a share page. Personal words are cached privately, never in static/."""
    link, refused = _open(token)
    if link is None:
        return refused
    text = sharing.text_from_speech_token(current_app.config["SECRET_KEY"], link, speech)
    return speech_service.speak_for_secret_link(text)


# --------------------------------------------------------------------------- staff pages


def _form_context(learner: User, *, audience: str = "", sections: list[str] | None = None,
                  experience_ids: list[int] | None = None, days: int = sharing.DEFAULT_EXPIRY_DAYS,
                  error: str | None = None, activity: CareersActivity | None = None) -> dict[str, Any]:
    dbs = db.session()
    if activity is not None and not audience and activity.employer is not None:
        audience = activity.employer.name
    return {
        "learner": learner,
        "activity": activity,
        "section_choices": sharing.passport_sections(dbs, learner),
        "entries": sharing.shareable_experiences(dbs, learner),
        "photos_allowed": consent.allows(dbs, learner, ConsentUse.OUTSIDE_SCHOOL),
        "expiry_days": sharing.EXPIRY_DAYS,
        "audience": audience,
        "chosen_sections": set(sections or []),
        "chosen_entries": set(experience_ids or []),
        "days": days,
        "error": error,
    }


@bp.route("/staff/learners/<int:learner_id>/share/new", methods=["GET", "POST"])
@policy.guard("share.manage", arg="learner_id")
def new_link(learner: User):
    dbs = db.session()
    activity = sharing.activity_for(dbs, learner, form_id(request.values.get("activity")))  # never past the id range
    if request.method == "GET":
        return render_template("sharing/new.html", **_form_context(learner, activity=activity))
    form = request.form
    try:
        issued = sharing.create_link(
            dbs, learner, current_user, audience=form.get("audience", ""), sections=form.getlist("section"),
            experience_ids=form.getlist("experience"), days=form.get("days"), activity=activity,
        )
    except ShareError as problem:
        dbs.rollback()
        days = form.get("days", "")
        return render_template("sharing/new.html", **_form_context(
            learner, audience=form.get("audience", "")[:sharing.MAX_AUDIENCE], sections=form.getlist("section"),
            experience_ids=form_ids(form.getlist("experience")),
            days=int(days) if days.isdigit() and int(days) in sharing.EXPIRY_DAYS else sharing.DEFAULT_EXPIRY_DAYS,
            error=problem.message, activity=activity,
        )), 400
    dbs.commit()
    # Held in the (signed, http-only) session only until the next page shows it once.
    session[SHOWN_ONCE_KEY] = {"learner": learner.id, "link": issued.link.id, "token": issued.token}
    return hx.redirect_to(url_for("sharing.created", learner_id=learner.id, link_id=issued.link.id))


@bp.get("/staff/learners/<int:learner_id>/share/<int:link_id>/created")
@policy.guard("share.manage", arg="learner_id")
def created(learner: User, link_id: int):
    dbs = db.session()
    link = sharing.find_link(dbs, learner, link_id)
    if link is None:
        abort(404)
    held = session.get(SHOWN_ONCE_KEY)
    if not held or held.get("learner") != learner.id or held.get("link") != link.id:
        return render_template("sharing/created.html", learner=learner, link=link, url=None, qr_png=None,
                               photos_allowed=consent.allows(dbs, learner, ConsentUse.OUTSIDE_SCHOOL))
    session.pop(SHOWN_ONCE_KEY, None)
    url = url_for("sharing.shared_page", token=held["token"], _external=True)
    qr_png = segno.make(url, error="m").png_data_uri(scale=5, border=2)
    return render_template("sharing/created.html", learner=learner, link=link, url=url, qr_png=qr_png,
                           photos_allowed=consent.allows(dbs, learner, ConsentUse.OUTSIDE_SCHOOL))


@bp.get("/staff/learners/<int:learner_id>/share")
@policy.guard("share.manage", arg="learner_id")
def links(learner: User):
    dbs = db.session()
    try:
        page = sharing.links_for(dbs, learner, after=request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    return hx.render("sharing/links.html", "sharing/_links_page.html", "share-link-list", learner=learner,
                     links=page, photos_allowed=consent.allows(dbs, learner, ConsentUse.OUTSIDE_SCHOOL),
                     section_labels={section.value: section.label for section in PassportSection})


@bp.post("/staff/learners/<int:learner_id>/share/<int:link_id>/revoke")
@policy.guard("share.manage", arg="learner_id")
def revoke(learner: User, link_id: int):
    dbs = db.session()
    if sharing.find_link(dbs, learner, link_id) is None:
        abort(404)
    stopped = sharing.revoke(dbs, learner, link_id)
    dbs.commit()
    flash("The link has been stopped. Nobody can open it now." if stopped else "That link was already stopped.")
    return hx.redirect_to(url_for("sharing.links", learner_id=learner.id))


@bp.route("/staff/learners/<int:learner_id>/consent", methods=["GET", "POST"])
@policy.guard("consent.manage", arg="learner_id")
def photo_consent(learner: User):
    dbs = db.session()
    if request.method == "POST":
        answers = {}
        for use in ConsentUse:
            value = request.form.get(use.value)
            if value not in {"yes", "no"}:
                return render_template("sharing/consent.html", learner=learner, uses=list(ConsentUse),
                                       answers=_answers(dbs, learner, request.form), saved=consent.is_saved(dbs, learner),
                                       error="Please answer yes or no for each question."), 400
            answers[use.column] = value == "yes"
        consent.set_consent(dbs, learner, current_user, ConsentAnswers(**answers))
        dbs.commit()
        flash(f"Photo consent for {learner.first_name} is saved.")
        return redirect(url_for("sharing.photo_consent", learner_id=learner.id))
    return render_template("sharing/consent.html", learner=learner, uses=list(ConsentUse),
                           answers=_answers(dbs, learner), saved=consent.is_saved(dbs, learner), error=None)


def _answers(dbs: Any, learner: User, form: Any = None) -> dict[str, str | None]:
    """What each question shows as chosen: the form as sent (after a mistake) or what is saved."""
    current = consent.consent_for(dbs, learner)
    result: dict[str, str | None] = {}
    for use in ConsentUse:
        sent = form.get(use.value) if form is not None else None
        if form is not None:
            result[use.value] = sent if sent in {"yes", "no"} else None
        else:
            result[use.value] = "yes" if getattr(current, use.column) else "no"
    return result
