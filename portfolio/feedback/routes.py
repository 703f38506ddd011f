"""Employer feedback.

Staff pages (under /feedback/participants/<id>) make, show and stop the secret links, read
and check what came back, and print a small card with the QR code. The /feedback/f/<token>
form is public: an employer opens it on a phone with no account, so it checks the link on
every request and answers a friendly page, never a stack, when the link has expired, been
stopped or never existed. Nothing there is cached or indexed.
"""
from __future__ import annotations

from typing import Any

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.feedback import service as feedback_service
from portfolio.feedback.service import FeedbackAnswers, FeedbackError, FeedbackLocked
from portfolio.media import serving as media
from portfolio.media.storage import media_store
from portfolio.models import ActivityParticipant, EmployerFeedback, utcnow
from portfolio.secret_links import LinkState
from portfolio.speech import service as speech_service
from portfolio.tokens import token_hash
from portfolio.web import hx, policy, secret_pages
from portfolio.web.extensions import limiter
from portfolio.web.forms import form_id

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

SHOWN_ONCE_KEY = "feedback_link_shown"
PUBLIC_VIEWS = frozenset({"feedback.form", "feedback.hear"})


# Words the feedback fragments need on any page that includes them (the entry page among them).
bp.add_app_template_global(feedback_service.scale_label, "feedback_scale_label")
bp.add_app_template_global(feedback_service.scale_symbol, "feedback_scale_symbol")
bp.add_app_template_global(feedback_service.offer_label, "feedback_offer_label")
bp.add_app_template_global(lambda: {word.key: word for word in feedback_service.skills()}, "feedback_skill_words")
bp.add_app_template_global(feedback_service.latest_sent, "feedback_latest_sent")
bp.add_app_template_global(feedback_service.active_link, "feedback_active_link")
bp.add_app_template_global(feedback_service.employer_name, "feedback_employer_name")


secret_pages.keep_pages_private(bp, PUBLIC_VIEWS)


def _form_limit() -> str:
    return current_app.config["FEEDBACK_RATE_LIMIT"]


def _per_link() -> str:
    """Sends count against the link, so one employer cannot flood it and nobody else is slowed."""
    token = (request.view_args or {}).get("token", "")
    return f"feedback:{token_hash(token[:200])[:32]}" if token else f"address:{get_remote_address()}"


def _open(token: str) -> tuple[EmployerFeedback | None, tuple[str, int] | None]:
    lookup = feedback_service.find_by_token(db.session(), token)
    if lookup.state is not LinkState.ACTIVE or lookup.feedback is None:
        return None, secret_pages.not_available(lookup.state)
    return lookup.feedback, None


# --------------------------------------------------------------------------- the public form


def _answers_from_form() -> FeedbackAnswers:
    form = request.form
    skills = {key[len("skill-"):]: value for key, value in form.items() if key.startswith("skill-")}
    return FeedbackAnswers(author_name=form.get("author_name", ""), skills=skills,
                           went_well=form.get("went_well", ""), work_on=form.get("work_on", ""),
                           offer_again=form.get("offer_again", ""))


def _render_form(feedback: EmployerFeedback, token: str, *, answers: FeedbackAnswers | None = None,
                 error: str | None = None, sent: bool = False, status: int = 200) -> tuple[str, int]:
    def hear_url(text: str) -> str:
        speech = feedback_service.speech_token(current_app.config["SECRET_KEY"], feedback, text)
        return url_for("feedback.hear", token=token, speech=speech)

    template = "feedback/thanks.html" if feedback.read_at is not None else "feedback/form.html"
    if answers is None:  # what was sent before, so a change starts from it
        answers = FeedbackAnswers(feedback.author_name, {k: str(v) for k, v in (feedback.skills or {}).items()},
                                  feedback.went_well, feedback.work_on, feedback.offer_again or "")
    return render_template(
        template, feedback=feedback, participant=feedback.participant, token=token, hear_url=hear_url,
        employer_name=feedback_service.employer_name(feedback.participant), skills=feedback_service.skills(),
        scale=feedback_service.SCALE, offer_choices=feedback_service.OFFER_AGAIN, answers=answers,
        error=error, sent=sent,
    ), status


@bp.route("/f/<token>", methods=["GET", "POST"])
@policy.public
@limiter.limit(_form_limit, key_func=_per_link, methods=["POST"])
def form(token: str):
    found, refused = _open(token)
    if found is None:
        return refused
    dbs = db.session()
    if request.method == "GET":
        feedback_service.record_access(dbs, found, "page", request.headers.get("User-Agent", ""))
        dbs.commit()
        return _render_form(found, token, sent=request.args.get("sent") == "1")
    upload = request.files.get("voice")
    try:
        change = feedback_service.save_answers(
            dbs, media_store(), found, _answers_from_form(), upload.read() if upload is not None else b"",
            max_seconds=current_app.config["MAX_VOICE_SECONDS"],
        )
    except FeedbackLocked:
        dbs.rollback()
        return _render_form(found, token, status=409)
    except KindError as problem:
        dbs.rollback()
        return _render_form(found, token, answers=_answers_from_form(), error=problem.message, status=400)
    feedback_service.record_access(dbs, found, "send", request.headers.get("User-Agent", ""))
    media.commit(dbs, change)
    return hx.redirect_to(url_for("feedback.form", token=token, sent="1"))


@bp.get("/f/<token>/hear/<speech>")
@policy.public
def hear(token: str, speech: str):
    """Read-aloud for the form. Names are spoken into the private cache, never into static/."""
    found, refused = _open(token)
    if found is None:
        return refused
    text = feedback_service.text_from_speech_token(current_app.config["SECRET_KEY"], found, speech)
    return speech_service.speak_for_secret_link(text)


# --------------------------------------------------------------------------- staff pages


def _staff_page(participant: ActivityParticipant, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    dbs = db.session()
    shown = feedback_service.open_for_staff(dbs, participant, current_user)
    dbs.commit()
    return render_template("feedback/participant.html", participant=participant, feedback=shown,
                           links=feedback_service.links_for(participant),
                           employer_name=feedback_service.employer_name(participant), error=error), status


@bp.get("/participants/<int:participant_id>")
@policy.guard("participant.support", arg="participant_id")
def participant(participant: ActivityParticipant):
    return _staff_page(participant)


@bp.post("/participants/<int:participant_id>/link")
@policy.guard("participant.support", arg="participant_id")
def make_link(participant: ActivityParticipant):
    dbs = db.session()
    try:
        issued = feedback_service.create_link(dbs, participant, current_user)
    except FeedbackError as problem:
        dbs.rollback()
        return _staff_page(participant, error=problem.message, status=400)
    dbs.commit()
    # Held in the signed, http-only session only until the card page shows it once.
    session[SHOWN_ONCE_KEY] = {"participant": participant.id, "link": issued.feedback.id, "token": issued.token}
    return hx.redirect_to(url_for("feedback.card", participant_id=participant.id))


def _held_token(participant: ActivityParticipant) -> tuple[EmployerFeedback, str] | None:
    """The link just made for this participant, if it still works: its token is known only now."""
    held = session.pop(SHOWN_ONCE_KEY, None)
    if not held or held.get("participant") != participant.id:
        return None
    link = next((f for f in participant.feedback if f.id == held.get("link")), None)
    if link is None or feedback_service.state_of(link, utcnow()) is not LinkState.ACTIVE:
        return None
    return link, held["token"]


@bp.get("/participants/<int:participant_id>/card")
@policy.guard("participant.support", arg="participant_id")
def card(participant: ActivityParticipant):
    held = _held_token(participant)
    context: dict[str, Any] = {"participant": participant, "link": None, "url": None, "qr_png": None,
                               "employer_name": feedback_service.employer_name(participant)}
    if held is not None:
        link, token = held
        url = url_for("feedback.form", token=token, _external=True)
        context.update(link=link, url=url, qr_png=segno.make(url, error="m").png_data_uri(scale=5, border=2))
    return render_template("feedback/card.html", **context)


@bp.post("/participants/<int:participant_id>/check")
@policy.guard("participant.support", arg="participant_id")
def check(participant: ActivityParticipant):
    dbs = db.session()
    try:
        feedback_service.check(dbs, participant, current_user)
    except FeedbackError as problem:
        dbs.rollback()
        return _staff_page(participant, error=problem.message, status=400)
    dbs.commit()
    flash(f"Checked. {participant.learner.first_name} and their family can see the feedback now.")
    return hx.redirect_to(url_for("feedback.participant", participant_id=participant.id))


@bp.post("/participants/<int:participant_id>/stop")
@policy.guard("participant.support", arg="participant_id")
def stop(participant: ActivityParticipant):
    dbs = db.session()
    link_id = request.form.get("link", "")
    try:
        stopped = feedback_service.stop(dbs, participant, form_id(link_id))
    except FeedbackError as problem:
        dbs.rollback()
        return _staff_page(participant, error=problem.message, status=400)
    dbs.commit()
    flash("The link has been stopped. Nobody can open it now." if stopped else "There was no working link to stop.")
    return hx.redirect_to(url_for("feedback.participant", participant_id=participant.id))


@bp.get("/participants/<int:participant_id>/voice")
@policy.guard("participant.view_feedback", arg="participant_id")
def voice(participant: ActivityParticipant):
    found = feedback_service.latest_sent(participant)
    return media.send_media(found.voice if found is not None else None)
