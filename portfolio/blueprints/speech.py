"""Read-aloud audio. Interface words are public; personal words need a signed-in person.

Besides the signed links behind every Hear button, a signed-in person can tap any other
words on a page (a class name, a date, a table cell) and hear them: ``tap`` speaks the
text it is given, rate-limited and cached with the private audio.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request, send_file, url_for

from .. import policy, rate_limits, speech_service
from ..extensions import limiter
from ..speech import SpeechUnavailable, normalise_text

bp = Blueprint("speech", __name__, url_prefix="/speech")


def _unavailable() -> tuple[Response, int]:
    # The page's script hears this and uses the browser's own voice instead.
    return jsonify(fallback="browser"), 503


def _from_token(token: str, *, private: bool) -> Path | None:
    text = speech_service.text_from_token(token, private=private)
    if text is None:
        abort(404)
    return _synthesise(text, private=private)


def _synthesise(text: str, *, private: bool) -> Path | None:
    engine = speech_service.service()
    if engine is None or not engine.available:
        return None
    try:
        return engine.synthesise(text, speech_service.audio_dir(private=private))
    except SpeechUnavailable as exc:
        current_app.logger.warning("Speech failed, browser voice used instead: %s", exc)
        return None


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
    return _private_audio(_from_token(token, private=True))


def _private_audio(path: Path | None):
    if path is None:
        return _unavailable()
    response = send_file(path, mimetype="audio/mpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
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
    return _private_audio(_synthesise(text, private=True))
