"""Choosing a password through an emailed link: "Forgot password?", the reset page and the invitation page.

All three are public (the link is the permission) and rate-limited. A link that is used, old or
unknown gets a calm page with a symbol, words and Hear, never an error.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, current_app, flash, render_template, request, url_for

from portfolio import db
from portfolio.mail import outbox
from portfolio.models import utcnow
from portfolio.people import passwords, rate_limits, resets
from portfolio.people.sessions import home_for, sign_in
from portfolio.web import policy
from portfolio.web.extensions import limiter
from portfolio.web.hx import redirect_to

bp = Blueprint("passwords", __name__)

SENT_WORDS = ("If that email address belongs to an account, we have sent it a link to choose a new password. "
              "Check your email. The link works for 1 hour.")

# (title, symbol, words, status) for each way a link can fail.
LINK_PROBLEMS: dict[passwords.LinkState, tuple[str, str, str, int]] = {
    passwords.LinkState.UNKNOWN: ("This link does not work", "warning",
                                  "Check that you opened the whole link from your email. You can ask for a new one.", 404),
    passwords.LinkState.USED: ("This link has been used", "lock",
                               "Each link works once. If you have set your password, sign in with it.", 410),
    passwords.LinkState.EXPIRED: ("This link is too old", "clock",
                                  "Links stop working after a while, to keep your account safe. You can ask for a new one.",
                                  410),
    passwords.LinkState.SWITCHED_OFF: ("This account is switched off", "lock",
                                       "Please ask the school's careers leader to help you.", 410),
}


def email_link(endpoint: str) -> Callable[[str], str]:
    """Turns a token into the full link an email carries. ``PUBLIC_BASE_URL`` is used when set, so a
    forged Host header on "Forgot password?" cannot point someone's reset link at another site."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return lambda token: base.rstrip("/") + url_for(endpoint, token=token)
    return lambda token: url_for(endpoint, token=token, _external=True)


def reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def reset_address_limit() -> str:
    return current_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"]


@bp.route("/password/forgot", methods=["GET", "POST"])
@policy.public
@limiter.limit(reset_limit, key_func=rate_limits.per_account, methods=["POST"])
@limiter.limit(reset_address_limit, methods=["POST"])
def forgot():
    if request.method == "GET":
        return render_template("auth/forgot.html", error=None, email="", sent=False)
    started = time.monotonic()
    email = request.form.get("email", "")[:254]
    lifetime = timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    dbs = db.session()
    try:
        resets.request_reset(dbs, email, now=utcnow(), lifetime=lifetime, link_for=email_link("passwords.reset"))
    except outbox.BadAddress as problem:
        dbs.rollback()
        return render_template("auth/forgot.html", error=problem.message, email=email, sent=False), 400
    dbs.commit()
    _take_at_least(current_app.config["PASSWORD_RESET_ANSWER_SECONDS"], started)
    return render_template("auth/forgot.html", error=None, email="", sent=True, sent_words=SENT_WORDS)


def _take_at_least(seconds: float, started: float) -> None:
    """Wait out the rest of the answer's fixed time: an account's answer saves a link and an email,
    a made-up address's does not, and without this the difference could be timed."""
    left = seconds - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)


def _link_problem(state: passwords.LinkState):
    title, symbol, message, status = LINK_PROBLEMS[state]
    page = render_template("auth/link_problem.html", title=title, symbol_name=symbol, message=message)
    return page, status, {"Cache-Control": "no-store"}


def _choose_password(token: str, purpose: str, endpoint: str):
    """The page behind both kinds of link: show the form, or set the password and sign the person in."""
    dbs, now = db.session(), utcnow()
    if request.method == "GET":
        lookup = passwords.look_up_link(dbs, token, purpose, now)
        if lookup.state is not passwords.LinkState.OK or lookup.token is None:
            return _link_problem(lookup.state)
        return _form(lookup.token.user.display_name, purpose, endpoint, token, None, 200)
    try:
        person = passwords.set_password_by_link(
            dbs, token, purpose, request.form.get("password", "")[:1000], request.form.get("confirm", "")[:1000],
            now, hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except passwords.LinkRefused as refused:
        dbs.rollback()
        return _link_problem(refused.state)
    except passwords.PasswordRuleError as problem:
        dbs.rollback()
        return _form(None, purpose, endpoint, token, problem.message, 400)
    dbs.commit()
    sign_in(person, via="password")
    flash("Your password is set. You are signed in.")
    return redirect_to(home_for(person))


def _form(name: str | None, purpose: str, endpoint: str, token: str, error: str | None, status: int):
    page = render_template("auth/choose_password.html", name=name, invitation=purpose == passwords.INVITATION,
                           action=url_for(endpoint, token=token), error=error)
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_token, methods=["POST"])
@limiter.limit(rate_limits.address_limit, methods=["POST"])
def reset(token: str):
    return _choose_password(token, passwords.RESET, "passwords.reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_token, methods=["POST"])
@limiter.limit(rate_limits.address_limit, methods=["POST"])
def accept_invitation(token: str):
    return _choose_password(token, passwords.INVITATION, "passwords.accept_invitation")
