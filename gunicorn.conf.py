"""Settings gunicorn reads by itself when started from this folder (``gunicorn 'portfolio:create_app()'``).

Only one hook: once a worker has built the app, its speech engine starts warming up on a thread of
its own. The worker takes requests straight away; a read-aloud MP3 already made is sent without
waiting for the engine, and a new sentence finds it ready instead of waiting for espeak to start.
"""
from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is None or not hasattr(app, "extensions"):
        return
    from portfolio.speech import service as speech_service

    speech_service.warm_up(app)
