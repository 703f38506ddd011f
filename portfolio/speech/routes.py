"""Read-aloud audio. Interface words are public; personal words need a signed-in person.

Besides the signed links behind every Hear button, a signed-in person can tap any other
words on a page (a class name, a date, a table cell) and hear them: ``tap`` speaks the
text it is given, rate-limited and cached with the private audio.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, request, send_file, url_for

from portfolio.people import rate_limits
from portfolio.speech import service as speech_service
from portfolio.speech.engine import normalise_text
from portfolio.web import policy
from portfolio.web.extensions import limiter

bp = Blueprint("speech", __name__, url_prefix="/speech")


def _unavailable() -> tuple[Response, int]:
    # The page's script hears this and uses the browser's own voice instead.
    return jsonify(fallback="browser"), 503


def _from_token(token: str, *, private: bool) -> Path | None:
    text = speech_service.text_from_token(token, private=private)
    if text is None:
        abort(404)
    return speech_service.synthesise(text, private=private)


@bp.get("/ui/<token>")
@policy.public
def interface(token: str):
    path = _from_token(token, private=False)
    if path is None:
        return _unavailable()
    response = redirect(url_for("static", filename=f"audio/{path.name}"))
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/private/<token>")
@policy.guard("signed_in")
def private(token: str):
    return private_audio(_from_token(token, private=True))


def private_audio(path: Path | None, cache_control: str = "private, max-age=3600"):
    """Send personal speech, or tell the page to use the browser's voice when there is none.
    Also used by the share pages, which keep nothing in any cache (``no-store``)."""
    if path is None:
        return _unavailable()
    response = send_file(path, mimetype="audio/mpeg", max_age=0)
    response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/tap")
@policy.guard("signed_in")
@limiter.limit(rate_limits.tap_speech_limit, key_func=rate_limits.per_person)
def tap():
    """Speak words a signed-in person tapped. A GET, so the page can start the audio inside
    the tap itself (iPad Safari only plays sound started by a gesture)."""
    text = normalise_text(request.args.get("t", ""))
    if not text:
        return jsonify(error="There were no words to read."), 400
    return private_audio(speech_service.synthesise(text, private=True))
