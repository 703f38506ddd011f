"""Notice pages: the list and count for each adult, their email choices, and the one-tap unsubscribe.

This blueprint also starts the listener that raises notices, and after each request emails at once
the notices raised in it whose person chose "each".
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portfolio import db
from portfolio.errors import KindError
from portfolio.models import Notice, utcnow
from portfolio.notices import kinds, mailing, raising, service
from portfolio.web import hx, policy
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("notices", __name__, url_prefix="/notices")
log = logging.getLogger("portfolio.notices")


@bp.record_once
def _listen(_state: object) -> None:
    raising.install()


def base_url() -> str:
    """Where links in emails start: ``PUBLIC_BASE_URL`` if set, else the address this request came to."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


@bp.after_app_request
def _email_raised(response: Response) -> Response:
    """Email the "each" notices this request raised. Its own commit, after the request's: a failure
    here is logged and never spoils the answer already made."""
    dbs = g.get("db_session")
    if dbs is None or raising.RAISED_KEY not in dbs.info:
        return response
    try:
        if mailing.email_raised(dbs, base_url(), utcnow()):
            dbs.commit()
    except Exception:  # the notices stay in the list; the next daily run emails them
        dbs.rollback()
        log.exception("Could not email the notices raised by %s", request.path)
    return response


@bp.get("/")
@policy.guard("notices.own")
def notice_list():
    dbs = db.session()
    try:
        lines = service.look_at_notices(dbs, policy.actor(), utcnow(), request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    dbs.commit()
    return hx.render("notices/list.html", "notices/_list_page.html", "notice-list", notices=lines)


def _target(notice: Notice) -> str:
    """Where a notice leads: the entry, the feedback, or the reviews coming up."""
    if notice.record_kind == "experiences" and notice.record_id is not None:
        return url_for("experiences.show", experience_id=notice.record_id)
    if notice.record_kind == "activity_participants" and notice.record_id is not None:
        return url_for("feedback.participant", participant_id=notice.record_id)
    if notice.kind == kinds.REVIEW_DUE:
        return url_for("cohort.reviews")
    return url_for("notices.notice_list")


@bp.get("/<int:notice_id>")
@policy.guard("notice.open", arg="notice_id")
def open_notice(notice: Notice):
    dbs = db.session()
    service.open_notice(dbs, notice, utcnow())
    dbs.commit()
    return redirect(_target(notice), 303)


def _settings_page(choices: list[service.Choice], saved: bool = False, error: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    options = [(key, words, symbol) for key, (words, symbol) in kinds.FREQUENCY_WORDS.items()]
    return render_template("notices/settings.html", choices=choices, frequency_options=options,
                           saved=saved, error=error), status


@bp.get("/settings")
@policy.guard("notices.own")
def settings():
    return _settings_page(service.choices(db.session(), policy.actor()))


@bp.post("/settings")
@policy.guard("notices.own")
def save_settings():
    dbs = db.session()
    try:
        chosen = service.save_choices(dbs, policy.actor(), request.form)
    except KindError as problem:
        dbs.rollback()
        return _settings_page(service.choices(dbs, policy.actor()), error=problem.message, status=400)
    dbs.commit()
    return _settings_page(chosen, saved=True)


@bp.get("/unsubscribe/<token>")
@policy.public
def unsubscribe(token: str):
    """One tap from an email, with no sign-in: the emails it was about are switched off at once."""
    dbs = db.session()
    try:
        link, switched = service.unsubscribe(dbs, token, utcnow())
    except KindError as problem:
        dbs.rollback()
        return render_template("notices/unsubscribed.html", error=problem.message, token=token), 404
    dbs.commit()
    return render_template("notices/unsubscribed.html", switched=switched, token=token, back_on=False,
                           error=None, staff=link.user.role != "parent")


@bp.post("/unsubscribe/<token>")
@policy.public
def switch_back_on(token: str):
    """The "Switch back on" button on the same page; the token is the key, as for the tap itself."""
    dbs = db.session()
    try:
        link, switched = service.switch_back_on(dbs, token)
    except KindError as problem:
        dbs.rollback()
        return render_template("notices/unsubscribed.html", error=problem.message, token=token), 404
    dbs.commit()
    return render_template("notices/unsubscribed.html", switched=switched, token=token, back_on=True,
                           error=None, staff=link.user.role != "parent")
