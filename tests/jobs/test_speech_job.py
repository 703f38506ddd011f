"""Speech for new private words made by a job worker when Redis is set.

The tap that first asks for new words waits a moment, then gets the browser's voice (the page's
script reads the words itself); the MP3 is made by a separate worker process into the shared private
speech folder, and the next tap plays it without this server's engine ever speaking.
"""
from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from portfolio.jobs import queue as job_queue
from portfolio.speech import service as speech_service
from tests.conftest import sign_in_as
from tests.factories import World
from tests.jobs.test_redis_worker import _run_worker
from tests.processes import redis_url  # noqa: F401  (a fixture: its own redis-server)


def test_new_private_words_are_spoken_by_the_worker(app: Flask, world: World, redis_url: str) -> None:  # noqa: F811
    app.config.update(JOBS_REDIS_URL=redis_url, SPEECH_WORKER_WAIT_SECONDS=0.3,
                      SPEECH_CACHE_DIR=str(Path(app.instance_path) / "speech"))  # where the worker puts it
    with app.test_request_context():
        url = speech_service.audio_url("Sam Patel went to the garden centre", private=True)
    client = app.test_client()
    sign_in_as(client, world.ta)

    started = time.monotonic()
    first = client.get(url)
    assert first.status_code == 503 and first.get_json() == {"fallback": "browser"}
    assert time.monotonic() - started < 3  # a short wait, never a hang
    assert len(job_queue.rq_queue(redis_url)) == 1

    worker = _run_worker(app, redis_url, speech=True)
    assert worker.returncode == 0, worker.stderr[-2000:]

    second = client.get(url)
    assert second.status_code == 200 and second.mimetype == "audio/mpeg"
    data = second.get_data()
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    engine = app.extensions["speech"]
    assert engine.synth_count == 0  # this server's engine never spoke it
    assert list(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3")), "the worker wrote into the private folder"


def test_without_redis_new_private_words_are_spoken_here_at_once(app: Flask, world: World) -> None:
    """The in-process default is unchanged: the engine's own thread makes the MP3 during the tap."""
    with app.test_request_context():
        url = speech_service.audio_url("Sam Patel's new words", private=True)
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert app.extensions["speech"].synth_count == 1
