"""In-process jobs: ``wait_for_threads`` waits for every job started, however many start at once."""
from __future__ import annotations

import threading
import time

from flask import Flask

from portfolio.jobs import queue as job_queue

DONE: list[int] = []
STARTERS = 8


def note_done(number: int) -> None:
    """A job that takes a moment, so it is still queued behind the others when the waiting starts."""
    time.sleep(0.02)
    DONE.append(number)


def test_jobs_started_by_requests_at_the_same_moment_are_all_waited_for(app: Flask) -> None:
    DONE.clear()
    start = threading.Barrier(STARTERS)

    def request_starts_a_job(number: int) -> None:
        start.wait()
        with app.app_context():
            job_queue.call_later(f"{__name__}.note_done", number)

    requests = [threading.Thread(target=request_starts_a_job, args=(number,)) for number in range(STARTERS)]
    for request in requests:
        request.start()
    for request in requests:
        request.join()
    job_queue.wait_for_threads(app)
    assert sorted(DONE) == list(range(STARTERS))
    assert app.extensions["job_threads"] == []
