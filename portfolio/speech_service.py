"""Glue between pages and the speech engine: signed read-aloud links and where audio lives.

Interface words (the same for everyone) are stored in ``static/audio/``. Anything personal
(names, captions) is cached in the instance folder and only served to signed-in people.
A link carries its text signed with the app's secret, so the speech routes only ever speak
what a page of this app actually showed.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from .speech import SpeechService, normalise_text

log = logging.getLogger(__name__)
_SALTS = {"ui": "speech-interface", "private": "speech-private"}


def init_app(app: Flask) -> None:
    service = SpeechService(rate=app.config["SPEECH_RATE"]) if app.config["SPEECH_ENABLED"] else None
    app.extensions["speech"] = service


def service() -> SpeechService | None:
    return current_app.extensions.get("speech")


def _serializer(kind: str) -> URLSafeSerializer:
    serializers = current_app.extensions.setdefault("speech_serializers", {})
    if kind not in serializers:
        serializers[kind] = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[kind])
    return serializers[kind]


_URL_CACHE_SIZE = 4096


def audio_url(text: str, *, private: bool) -> str:
    """A signed read-aloud link. Links are deterministic, so a page of 500 cards reuses them
    from a small per-app cache instead of signing the same sentence on every view."""
    kind = "private" if private else "ui"
    cache: dict[tuple[str, str, str], str] = current_app.extensions.setdefault("speech_urls", {})
    key = (kind, request.script_root, text)
    url = cache.get(key)
    if url is None:
        token = _serializer(kind).dumps(normalise_text(text))
        url = url_for("speech.private" if private else "speech.interface", token=token)
        if len(cache) >= _URL_CACHE_SIZE:
            cache.clear()
        cache[key] = url
    return url


def text_from_token(token: str, *, private: bool) -> str | None:
    try:
        value = _serializer("private" if private else "ui").loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def audio_dir(*, private: bool) -> Path:
    key = "SPEECH_CACHE_DIR" if private else "INTERFACE_AUDIO_DIR"
    return Path(current_app.config[key])
