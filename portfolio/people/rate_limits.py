"""Who a rate limit counts against.

A school's tablets and staff laptops usually reach the app from one public address, so
counting sign-ins per address would lock a whole class out at the start of a lesson. Each
limit therefore counts against the thing an attacker would have to repeat: the account
being guessed, the school tablet doing card sign-ins, or the signed-in person.
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portfolio.people import tablets
from portfolio.tokens import token_hash


def sign_in_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_limit() -> str:
    """A looser limit per address, against one machine trying many accounts."""
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def tap_speech_limit() -> str:
    return current_app.config["TAP_SPEECH_RATE_LIMIT"]


def per_account() -> str:
    """Password guesses count against the email typed, whichever address sends them."""
    email = request.form.get("email", "").strip().lower()[:254]
    return f"account:{email}" if email else f"address:{get_remote_address()}"


def per_tablet() -> str:
    """Card sign-ins count against the school tablet. Without a tablet cookie the card routes
    only ever answer "not a school tablet", so those requests are counted per address."""
    cookie = request.cookies.get(tablets.COOKIE_NAME)
    return f"tablet:{token_hash(cookie[:200])[:32]}" if cookie else f"address:{get_remote_address()}"


def per_person() -> str:
    if current_user.is_authenticated:
        return f"person:{current_user.get_id()}"
    return f"address:{get_remote_address()}"


def per_token() -> str:
    """Tries at one emailed link (choosing a password) count against that link, whoever sends them."""
    token = str((request.view_args or {}).get("token", ""))[:200]
    return f"link:{token_hash(token)[:32]}"
