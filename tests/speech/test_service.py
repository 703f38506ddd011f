"""A read-aloud MP3 made earlier is sent without waiting for the speech engine to start.

The engine is real (pyttsx3 and espeak-ng); only how it is obtained is swapped where a test needs
it to be slow, through the service's own ``engine_factory`` seam, so "the engine is still starting"
can be held for as long as the test needs.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from portfolio.speech import service as speech_service
from portfolio.speech.engine import SpeechService, _default_engine_factory
from tests.conftest import sign_in_as
from tests.factories import World

#: Not real audio, but what a cached file holds is what the route must send, byte for byte.
CACHED_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8


def _engine(app: Flask) -> SpeechService:
    engine = app.extensions["speech"]
    assert isinstance(engine, SpeechService)
    return engine


def _cache(app: Flask, text: str, *, private: bool) -> Path:
    """Put an MP3 for ``text`` where the app looks for it, the way an earlier request left it."""
    folder = Path(app.config["SPEECH_CACHE_DIR" if private else "INTERFACE_AUDIO_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_engine(app).cache_key(text)}.mp3"
    path.write_bytes(CACHED_BYTES)
    return path


def _url(app: Flask, text: str, *, private: bool) -> str:
    with app.test_request_context():
        return speech_service.audio_url(text, private=private)


def test_a_cached_private_mp3_is_sent_without_starting_the_engine(app: Flask, world: World) -> None:
    _cache(app, "Sam Patel watered the plants", private=True)
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.get(_url(app, "Sam Patel watered the plants", private=True))
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.get_data() == CACHED_BYTES
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert not _engine(app).started


def test_cached_interface_words_redirect_without_starting_the_engine(app: Flask, client) -> None:
    path = _cache(app, "Sign in", private=False)
    response = client.get(_url(app, "Sign in", private=False))
    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0].endswith(f"/static/audio/{path.name}")
    assert not _engine(app).started


def test_words_not_yet_cached_still_start_the_engine(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.get(_url(app, "Sam Patel swept the yard", private=True))
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.get_data() != CACHED_BYTES
    assert _engine(app).started and _engine(app).synth_count == 1


def test_a_cached_mp3_is_found_while_the_engine_is_still_starting(tmp_path: Path) -> None:
    """The engine's start-up is held open; the cached file is returned at once all the same."""
    release = threading.Event()

    def slow_engine() -> Any:
        release.wait(10)
        return _default_engine_factory()

    cold = SpeechService(engine_factory=slow_engine)
    try:
        cold.start()
        path = tmp_path / f"{cold.cache_key('Hello there')}.mp3"
        path.write_bytes(CACHED_BYTES)
        started = time.monotonic()
        assert cold.synthesise("Hello there", tmp_path) == path
        assert time.monotonic() - started < 1.0
        assert cold.started and not release.is_set()  # the engine was still starting throughout
        assert cold.cached("Not cached yet", tmp_path) is None
    finally:
        release.set()
        cold.shutdown()


def test_warm_up_starts_the_engine_and_reads_the_source_in_the_background(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech_service, "_SOURCE_WORDS", {})  # as in a worker that has just started
    engine = _engine(app)
    assert not engine.started  # create_app starts nothing
    started = time.monotonic()
    reader = speech_service.warm_up(app)
    assert time.monotonic() - started < 0.2  # waits for neither espeak nor the source
    assert engine.started
    reader.join(30)
    assert not reader.is_alive() and len(speech_service._SOURCE_WORDS) == 1
    with app.test_request_context():
        assert speech_service.is_interface_words("Sign in")
        assert not speech_service.is_interface_words("Sam Patel watered the plants")
    assert engine.available  # and the engine does come up


def test_gunicorn_starts_the_warm_up_once_a_worker_has_the_app(app: Flask) -> None:
    import runpy

    hooks = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    assert _engine(app).started
    hooks["post_worker_init"](SimpleNamespace(wsgi=None))  # a worker without an app is left alone


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_to_say_is_never_cached(tmp_path: Path, text: str) -> None:
    assert SpeechService().cached(text, tmp_path) is None
