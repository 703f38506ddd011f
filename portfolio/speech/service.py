"""Glue between pages and the speech engine: signed read-aloud links and where audio lives.

Interface words (the same for everyone) are stored in ``static/audio/``. Anything personal
(names, captions) is cached in the instance folder and only served to signed-in people.
A link carries its text signed with the app's secret, so the speech routes only ever speak
what a page of this app actually showed.

Which words count as interface words is not left to each template: only text written
literally in the app's own source (a template string or a Python string) may be spoken
into the public folder. A sentence built at run time ("How Sam's pages look") is personal
whatever the template asked for, so a forgotten ``private=True`` cannot publish a name.
"""
from __future__ import annotations

import ast
import ctypes.util
import logging
import threading
import time
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort, current_app, jsonify, request, send_file, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, nodes

from portfolio.jobs import queue as job_queue
from portfolio.speech.engine import SpeechService, SpeechUnavailable, normalise_text

log = logging.getLogger(__name__)
_SALTS = {"ui": "speech-interface", "private": "speech-private"}


def init_app(app: Flask) -> None:
    service = SpeechService(rate=app.config["SPEECH_RATE"]) if app.config["SPEECH_ENABLED"] else None
    if service is not None and not engine_installed():
        # Said at start-up, so whoever runs the app knows before anyone taps Hear.
        log.warning("Speech engine espeak-ng is not installed: pages will use the browser's own voice. "
                    "Install it with: apt-get install espeak-ng")
    elif service is None:
        log.info("Server speech is switched off (SPEECH_ENABLED=0): pages use the browser's own voice.")
    app.extensions["speech"] = service


@cache
def engine_installed() -> bool:
    """Whether the espeak-ng library pyttsx3 drives can be found, checked without starting it.
    Looked up once per process: it asks the system linker, and every app start would repeat it."""
    return any(ctypes.util.find_library(name) for name in ("espeak-ng", "espeak"))


def warm_up(app: Flask) -> threading.Thread:
    """Get a new server worker ready to read aloud, in the background: start the speech engine, so the
    first new sentence does not wait for espeak, and read the words written in the app's source (about
    half a second of CPU), which the first page with a Hear button would otherwise wait for.

    Called once a worker is running (``gunicorn.conf.py``), not by ``create_app``, so tests, commands
    and scripts never start work they do not use. Returns at once, with the thread reading the source."""
    engine: SpeechService | None = app.extensions.get("speech")
    if engine is not None:
        engine.start()
    reader = threading.Thread(target=_source_words_for, args=(app,), name="speech-source-words", daemon=True)
    reader.start()
    return reader


def _source_words_for(app: Flask) -> frozenset[str]:
    template_folder = str(Path(app.root_path, app.template_folder or "templates"))
    return _words_in_source(template_folder, app.root_path, app.jinja_env)


def service() -> SpeechService | None:
    return current_app.extensions.get("speech")


def _serializer(kind: str) -> URLSafeSerializer:
    serializers = current_app.extensions.setdefault("speech_serializers", {})
    if kind not in serializers:
        serializers[kind] = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[kind])
    return serializers[kind]


_URL_CACHE_SIZE = 4096


_SOURCE_WORDS: dict[tuple[str, str], frozenset[str]] = {}
_SOURCE_WORDS_LOCK = threading.Lock()
# The demo's people are made up, but a real learner may share a name with one of them.
_NOT_INTERFACE_SOURCE = frozenset({"demo.py", "demo_desk.py"})


def _words_in_source(template_folder: str, package_folder: str, environment: Environment) -> frozenset[str]:
    """Every string literal in the templates and the Python package, as it would be spoken.
    Read once per process: the source does not change while the app runs."""
    key = (template_folder, package_folder)
    if key not in _SOURCE_WORDS:
        # One reader at a time: Python 3.11's ast.parse can fail with "recursion depth mismatch"
        # when threads parse at once (the first pages of a threaded server, rendered together).
        with _SOURCE_WORDS_LOCK:
            if key not in _SOURCE_WORDS:
                _SOURCE_WORDS[key] = _read_source_words(template_folder, package_folder, environment)
    return _SOURCE_WORDS[key]


def _read_source_words(template_folder: str, package_folder: str, environment: Environment) -> frozenset[str]:
    found: set[str] = set()
    for path in sorted(Path(template_folder).rglob("*.html")):
        tree = environment.parse(path.read_text(encoding="utf-8"))
        found.update(node.value for node in tree.find_all(nodes.Const) if isinstance(node.value, str))
    for path in sorted(Path(package_folder).rglob("*.py")):
        if path.name in _NOT_INTERFACE_SOURCE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found.update(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str))
    return frozenset(filter(None, (normalise_text(value) for value in found)))


def is_interface_words(text: str) -> bool:
    """Whether ``text`` is written in the app's source, so the same for everyone and safe to publish."""
    return normalise_text(text) in _source_words_for(current_app._get_current_object())  # type: ignore[attr-defined]


def audio_url(text: str, *, private: bool) -> str:
    """A signed read-aloud link. Links are deterministic, so a page of 500 cards reuses them
    from a small per-app cache instead of signing the same sentence on every view.

    Words not written in the app's source always get a private link, even when a template
    did not say so (see the module docstring)."""
    cache: dict[tuple[bool, str, str], str] = current_app.extensions.setdefault("speech_urls", {})
    key = (private, request.script_root, text)
    url = cache.get(key)
    if url is None:
        public = not private and is_interface_words(text)
        token = _serializer("ui" if public else "private").dumps(normalise_text(text))
        url = url_for("speech.interface" if public else "speech.private", token=token)
        if len(cache) >= _URL_CACHE_SIZE:
            cache.clear()
        cache[key] = url
    return url


def synthesise(text: str, *, private: bool) -> Path | None:
    """The MP3 of ``text`` (made now or taken from the cache), or None when the server cannot
    speak, in which case the page falls back to the browser's own voice.

    A cached MP3 is sent without waiting for the engine: a worker that has just started may still
    be warming it up (see ``warm_up``)."""
    engine = service()
    if engine is None:
        return None
    found = engine.cached(text, audio_dir(private=private))
    if found is not None:
        return found
    if private and job_queue.redis_url(current_app.config):
        return _from_a_worker(engine, text)
    if not engine.available:
        return None
    try:
        return engine.synthesise(text, audio_dir(private=private))
    except SpeechUnavailable as exc:
        log.warning("Speech failed, browser voice used instead: %s", exc)
        return None


# How long a tap waits for a worker to make new private speech before the browser's voice reads it
# instead; the MP3 is still made, so the next tap on the same words plays it.
WORKER_WAIT_SECONDS = 1.5


def _from_a_worker(engine: SpeechService, text: str) -> Path | None:
    """New private words, spoken by a job worker (so this app server's CPU stays on pages): wait a
    moment for the MP3, which a short sentence needs, and otherwise let the browser speak."""
    job_queue.call_later("portfolio.speech.service.make_private_speech", normalise_text(text))
    deadline = time.monotonic() + float(current_app.config.get("SPEECH_WORKER_WAIT_SECONDS", WORKER_WAIT_SECONDS))
    while time.monotonic() < deadline:
        found = engine.cached(text, audio_dir(private=True))
        if found is not None:
            return found
        time.sleep(0.05)
    return None


def make_private_speech(text: str) -> None:
    """The job: make the MP3 of private words into the private speech cache (which every app server
    must see: the same folder, shared, as ``SPEECH_CACHE_DIR``)."""
    engine = service()
    if engine is None or engine.cached(text, audio_dir(private=True)) is not None:
        return
    try:
        engine.synthesise(text, audio_dir(private=True))
    except SpeechUnavailable as exc:
        log.warning("Speech failed in the job worker: %s", exc)


def text_from_token(token: str, *, private: bool) -> str | None:
    try:
        value = _serializer("private" if private else "ui").loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def audio_dir(*, private: bool) -> Path:
    key = "SPEECH_CACHE_DIR" if private else "INTERFACE_AUDIO_DIR"
    return Path(current_app.config[key])


def browser_voice_instead() -> tuple[Response, int]:
    """No server speech here: the page's script hears this and uses the browser's own voice."""
    return jsonify(fallback="browser"), 503


def audio_response(path: Path | None, cache_control: str = "private, max-age=3600") -> Response | tuple[Response, int]:
    """Personal speech as an MP3, or the word to use the browser's voice when there is none."""
    if path is None:
        return browser_voice_instead()
    response = send_file(path, mimetype="audio/mpeg", max_age=0)
    response.headers["Cache-Control"] = cache_control
    return response


def speak_for_secret_link(text: str | None) -> Response | tuple[Response, int]:
    """Read-aloud on a page behind a secret link (About me, employer feedback): the words came from a
    token bound to that link (``None`` when it was not), are spoken into the private cache, never
    into ``static/``, and nothing is kept in any cache on the way."""
    if text is None:
        abort(404)
    return audio_response(synthesise(text, private=True), cache_control="no-store")


def spoken_interface_links() -> list[str]:
    """The read-aloud links of every interface sentence whose MP3 is already in the public folder.
    The offline app shell keeps them, so a Hear button still speaks on a tablet with no Wi-Fi; the
    link is what a page asks for, and only the source's words say which file answers it."""
    engine = service()
    folder = audio_dir(private=False)
    if engine is None or not folder.is_dir():
        return []
    made = {path.stem for path in folder.glob("*.mp3")}
    if not made:
        return []
    words = _source_words_for(current_app._get_current_object())  # type: ignore[attr-defined]
    return sorted(audio_url(text, private=False) for text in words if engine.cache_key(text) in made)
