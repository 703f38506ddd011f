"""Signing people in and out of the Flask session, and the idle timeout.

The session is cleared and rebuilt at every sign-in (no fixation), and carries the
user's ``session_version`` so a password change or deactivation ends old sessions.

The session lives in a signed cookie, which on its own cannot be taken back: a copy made
before signing out would still work until it idled out. So each sign-in also keeps a
``SignIn`` row, the cookie carries that row's random token, and signing out ends the row.
Loading the user checks both in one query.
"""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import Exists, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.models import LoginCard, Role, SignIn, User, utcnow
from portfolio.tokens import new_token, token_hash
from portfolio.web.extensions import login_manager

SIGN_IN_KEY = "sign_in"
# Ended sign-ins are kept a day (for anyone looking into a problem), live ones as long as a cookie can last.
KEEP_ENDED = timedelta(days=1)


def init_app(app: Flask) -> None:
    # Off: who is signed in rests on the sign-in record the cookie names, ended at sign-out, card
    # stops and password changes. Flask-Login's "basic" protection would only mark the session not
    # fresh (nothing here asks for freshness), and it does so by writing the cookie from whatever
    # request comes first, even the service worker's script fetched before the learner typed their
    # code, which then overwrote the card the picture check was waiting for.
    login_manager.session_protection = None
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the sign-in page explains itself
    login_manager.user_loader(_load_user)
    app.before_request(_enforce_idle_timeout)


def _load_user(user_id: str) -> User | None:
    token = session.get(SIGN_IN_KEY)
    try:
        raw_id, raw_version = user_id.split(":", 1)
        wanted = int(raw_id)
    except (ValueError, TypeError):
        return None
    if not isinstance(token, str) or not token:
        return None
    user = db.session().scalar(
        select(User)
        .join(SignIn, SignIn.user_id == User.id)
        .where(User.id == wanted, SignIn.token_hash == token_hash(token), SignIn.ended_at.is_(None),
               User.active.is_(True), or_(SignIn.via != "card", _has_live_card(User.id)))
    )
    if user is None or str(user.session_version) != raw_version:
        return None
    return user


def _has_live_card(user_id: Any) -> Exists:
    """A card sign-in lasts only while the learner has a card that has not been stopped: a new card
    (which stops the old one) keeps the learner signed in, stopping their card does not."""
    return exists().where(LoginCard.learner_id == user_id, LoginCard.revoked_at.is_(None))


def end_sessions_for(dbs: Session, user_id: int) -> int:
    """End every open sign-in of this person at once, on every device. For switching an account
    off, stopping a learner's card and erasing someone. Returns how many were open; the caller commits."""
    result = dbs.execute(
        update(SignIn).where(SignIn.user_id == user_id, SignIn.ended_at.is_(None)).values(ended_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def start_sign_in(dbs: Session, user: User, via: str) -> str:
    """Record a new sign-in and return the token its cookie carries. Also clears out old records."""
    now = utcnow()
    lifetime = current_app.permanent_session_lifetime
    dbs.execute(delete(SignIn).where(or_(SignIn.ended_at < now - KEEP_ENDED, SignIn.created_at < now - lifetime)))
    token = new_token()
    dbs.add(SignIn(user_id=user.id, token_hash=token_hash(token), via=via[:20], created_at=now))
    dbs.commit()
    return token


def _end_sign_in() -> None:
    token = session.get(SIGN_IN_KEY)
    if not isinstance(token, str) or not token:
        return
    dbs = db.session()
    record = dbs.scalar(select(SignIn).where(SignIn.token_hash == token_hash(token)))
    if record is not None and record.ended_at is None:
        record.ended_at = utcnow()
        dbs.commit()


def idle_limit(user: User) -> timedelta:
    key = "LEARNER_IDLE_TIMEOUT" if user.role_enum is Role.LEARNER else "IDLE_TIMEOUT"
    return current_app.config[key]


# The session lives in a cookie, so every write races with any request already in flight from
# the same page. Static files never touch it, and "last seen" is only refreshed once this many
# seconds have passed, so a page's images cannot overwrite what its form just stored.
LAST_SEEN_GRANULARITY = 30


# Pictures and sounds a page loads by itself: they neither count as activity nor write the
# session cookie, so they cannot race the page's own form posts.
PASSIVE_ENDPOINTS = frozenset({
    "static", "experiences.photo", "experiences.voice", "experiences.comment_voice", "symbols.image",
    "speech.private", "speech.interface", "reviews.pack_media", "passport.voice",
})


def _enforce_idle_timeout() -> None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now = time.time()
    last_seen = session.get("last_seen", now)
    if now - last_seen > idle_limit(current_user).total_seconds():
        sign_out()
        session["timed_out"] = True
        return
    if request.endpoint in PASSIVE_ENDPOINTS:
        return
    if now - last_seen >= LAST_SEEN_GRANULARITY or "last_seen" not in session:
        session["last_seen"] = now


def sign_in(user: User, *, via: str) -> None:
    """Start a fresh session for this user. ``via`` records how (password, card, handover).
    Whoever was signed in on this device before (a TA handing over) is signed out first."""
    _end_sign_in()
    session.clear()
    session[SIGN_IN_KEY] = start_sign_in(db.session(), user, via)
    login_user(user)
    session["last_seen"] = time.time()
    session["signed_in_via"] = via
    session.permanent = True


def sign_out() -> None:
    _end_sign_in()
    logout_user()
    session.clear()


def home_for(user: User) -> str:
    """Where signing in (and the site's home link) lands. A parent with one child goes straight to
    that child's page, so the newest entry is one tap away; with several, the family home."""
    if user.role_enum is Role.PARENT and len(user.children) == 1:
        return url_for("family.child", learner_id=user.children[0].id)
    return {
        Role.LEARNER.value: url_for("learner.home"),
        Role.STAFF.value: url_for("staff.home"),
        Role.ADMIN.value: url_for("staff.home"),
        Role.PARENT.value: url_for("family.home"),
    }[user.role]
