"""Read-aloud audio. Interface words are public; personal words need a signed-in person."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, send_file, url_for

from .. import policy, speech_service
from ..speech import SpeechUnavailable

bp = Blueprint("speech", __name__, url_prefix="/speech")


def _unavailable() -> tuple[Response, int]:
    # The page's script hears this and uses the browser's own voice instead.
    return jsonify(fallback="browser"), 503


def _synthesise(token: str, *, private: bool):
    text = speech_service.text_from_token(token, private=private)
    if text is None:
        abort(404)
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
    path = _synthesise(token, private=False)
    if path is None:
        return _unavailable()
    response = redirect(url_for("static", filename=f"audio/{path.name}"))
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/private/<token>")
@policy.guard("signed_in")
def private(token: str):
    path = _synthesise(token, private=True)
    if path is None:
        return _unavailable()
    response = send_file(path, mimetype="audio/mpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
