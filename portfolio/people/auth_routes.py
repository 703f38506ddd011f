"""Signing in: email and password for adults, a card and a picture for learners."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask_login import current_user

from portfolio import db
from portfolio.models import TrustedTablet
from portfolio.people import accounts, cards, rate_limits, tablets
from portfolio.people.sessions import home_for, sign_in, sign_out
from portfolio.web import policy
from portfolio.web.extensions import limiter
from portfolio.web.hx import redirect_to

bp = Blueprint("auth", __name__)

FAILED_SIGN_IN = "Those details did not work. Check your email and password and try again."


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target


@bp.get("/")
@policy.public
def welcome():
    if current_user.is_authenticated:
        return redirect_to(home_for(current_user))
    timed_out = session.pop("timed_out", False)
    return render_template("auth/welcome.html", timed_out=timed_out)


@bp.route("/login", methods=["GET", "POST"])
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_account, methods=["POST"])
@limiter.limit(rate_limits.address_limit, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        user = accounts.authenticate(db.session(), email, request.form.get("password", "")[:1000])
        if user is not None:
            sign_in(user, via="password")
            return redirect_to(next_url or home_for(user))
        error = FAILED_SIGN_IN
    status = 200 if error is None else 401
    return render_template("auth/login.html", error=error, email=email, next_url=next_url), status


@bp.post("/logout")
@policy.guard("signed_in")
def logout():
    sign_out()
    return redirect_to(url_for("auth.welcome"))


def on_school_tablet(view):
    """Card sign-in only works on a tablet staff have set up; elsewhere, a kind screen.

    Passes the tablet to the view, so every card route checks it the same way.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        tablet = tablets.tablet_for_token(db.session(), request.cookies.get(tablets.COOKIE_NAME))
        if tablet is None:
            return _card_problem("not-school-tablet", 403)
        return view(tablet, *args, **kwargs)

    return wrapper


# Kind, symbol-supported words for every way a card sign-in can stop.
CARD_PROBLEMS: dict[str, tuple[str, str, str]] = {
    "not-school-tablet": ("This is not a school tablet", "tablet",
                          "Cards only work on school tablets. Ask your teacher to help you."),
    "unknown": ("We do not know this card", "card", "Ask your teacher to help you. They can make you a new card."),
    "revoked": ("This card has stopped working", "card", "Your teacher has a new card for you. Ask them to help you."),
    "expired": ("This card is too old", "clock", "Ask your teacher for a new card."),
    "inactive": ("This card is switched off", "lock", "Ask your teacher to help you."),
    "locked": ("Time for a break", "clock", "Wait a little, then try again with your teacher."),
}


def _card_problem(state: cards.CardState | str, status: int):
    key = state.value if isinstance(state, cards.CardState) else state
    title, symbol, message = CARD_PROBLEMS[key]
    return render_template("errors/error.html", title=title, symbol_name=symbol, message=message, status=status), status


_PROBLEM_STATUS = {
    cards.CardState.UNKNOWN: 404,
    cards.CardState.REVOKED: 410,
    cards.CardState.EXPIRED: 410,
    cards.CardState.LEARNER_INACTIVE: 410,
    cards.CardState.LOCKED: 429,
}


def _start_check(lookup: cards.CardLookup, tablet_school_id: int):
    if lookup.state is not cards.CardState.OK or lookup.card is None:
        return _card_problem(lookup.state, _PROBLEM_STATUS[lookup.state])
    if lookup.card.school_id != tablet_school_id:
        return _card_problem(cards.CardState.UNKNOWN, 404)
    session["pending_card"] = lookup.card.id
    return redirect_to(url_for("auth.card_check"))


@bp.get("/card/<token>")
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_tablet)
@on_school_tablet
def card(tablet: TrustedTablet, token: str):
    return _start_check(cards.find_by_token(db.session(), token[:200]), tablet.school_id)


@bp.route("/code", methods=["GET", "POST"])
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_tablet, methods=["POST"])
@on_school_tablet
def code(tablet: TrustedTablet):
    if request.method == "POST":
        typed = request.form.get("code", "")[:40]
        lookup = cards.find_by_short_code(db.session(), tablet.school_id, typed)
        if lookup.state is cards.CardState.UNKNOWN:
            return render_template("auth/code.html", error="That code did not work. Check the card and try again."), 404
        return _start_check(lookup, tablet.school_id)
    return render_template("auth/code.html", error=None)


@bp.route("/card/check", methods=["GET", "POST"])
@policy.public
@limiter.limit(rate_limits.sign_in_limit, key_func=rate_limits.per_tablet, methods=["POST"])
@on_school_tablet
def card_check(tablet: TrustedTablet):
    lookup = cards.find_by_id(db.session(), session.get("pending_card"))
    record = lookup.card
    if lookup.state is not cards.CardState.OK or record is None or record.school_id != tablet.school_id:
        session.pop("pending_card", None)
        return _card_problem(lookup.state, _PROBLEM_STATUS.get(lookup.state, 404))
    wrong = False
    if request.method == "POST":
        max_tries = current_app.config["PICTURE_CHECK_TRIES"]
        if cards.check_picture(db.session(), record, request.form.get("picture", ""), max_tries):
            db.session().commit()
            sign_in(record.learner, via="card")
            return redirect_to(url_for("learner.home"))
        db.session().commit()
        if record.locked_until is not None:
            session.pop("pending_card", None)
            return _card_problem(cards.CardState.LOCKED, 429)
        wrong = True
    return render_template(
        "auth/picture_check.html", choices=cards.picture_choices(record), wrong=wrong
    ), (200 if not wrong else 400)
