"""Read-aloud audio. Interface words are public; personal words need a signed-in person.

Besides the signed links behind every Hear button, a signed-in person can tap any other
words on a page (a class name, a date, a table cell) and hear them: ``tap`` speaks the
text it is given, rate-limited and cached with the private audio.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, jsonify, redirect, request, url_for

from portfolio.people import rate_limits
from portfolio.speech import service as speech_service
from portfolio.speech.engine import normalise_text
from portfolio.web import policy
from portfolio.web.extensions import limiter

bp = Blueprint("speech", __name__, url_prefix="/speech")


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
        return speech_service.browser_voice_instead()
    response = redirect(url_for("static", filename=f"audio/{path.name}"))
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/private/<token>")
@policy.guard("signed_in")
def private(token: str):
    return speech_service.audio_response(_from_token(token, private=True))


@bp.get("/tap")
@policy.guard("signed_in")
@limiter.limit(rate_limits.tap_speech_limit, key_func=rate_limits.per_person)
def tap():
    """Speak words a signed-in person tapped. A GET, so the page can start the audio inside
    the tap itself (iPad Safari only plays sound started by a gesture)."""
    text = normalise_text(request.args.get("t", ""))
    if not text:
        return jsonify(error="There were no words to read."), 400
    return speech_service.audio_response(speech_service.synthesise(text, private=True))
