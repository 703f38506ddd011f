"""Handing work to whoever runs it: RQ workers on Redis, or a thread in this process.

With ``JOBS_REDIS_URL`` (or ``REDIS_URL``) set, a job's id goes on the ``portfolio`` RQ queue and
``flask --app portfolio jobs worker`` (one or more, on any host) runs it. With neither set (``make
run``, the tests) a daemon thread of this process runs it, so nothing needs a server. Either way the
job's row is the record of its progress, so pages cannot tell which ran it.

If Redis cannot be reached when a job is handed over, this process runs it itself: a person waiting
for a PDF is better served late by this server than not at all.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from portfolio import db
from portfolio.jobs import service
from portfolio.media.storage import media_store

log = logging.getLogger(__name__)

QUEUE_NAME = "portfolio"
PERFORM = "portfolio.jobs.queue.perform"
JOB_TIMEOUT_SECONDS = 15 * 60
# In-process jobs run one at a time, as one RQ worker runs them: a PDF or an import holds SQLite's write
# lock while it saves, and several at once on a school laptop would only keep each other (and TAs) waiting.
_ONE_AT_A_TIME = threading.Lock()
# Guards the list of job threads: requests start jobs at the same moment, and one request's pruning
# must not drop a thread another has just added (``wait_for_threads`` would then not wait for it).
_THREAD_LIST = threading.Lock()


def redis_url(config: Any) -> str:
    """The Redis the queue uses, or "" for in-process jobs."""
    return str(config.get("JOBS_REDIS_URL") or config.get("REDIS_URL") or "")


def rq_queue(url: str) -> Any:
    """The RQ queue on that Redis; imported here so in-process installs never load RQ."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(url), default_timeout=JOB_TIMEOUT_SECONDS)


def submit(job_id: int) -> None:
    """Run a committed job outside this request."""
    call_later(PERFORM, job_id)


def call_later(dotted: str, *args: Any) -> None:
    """Run ``module.function(*args)`` outside this request, inside an app context: on an RQ worker
    when Redis is set, else on a thread of this process."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    url = redis_url(app.config)
    if url:
        try:
            rq_queue(url).enqueue(dotted, *args, result_ttl=0, failure_ttl=24 * 3600)
            return
        except Exception:  # Redis down: say so loudly, and do the work here instead
            log.exception("Could not reach the job queue at Redis; running %s in this process", dotted)
    thread = threading.Thread(target=_in_app, args=(app, _resolve(dotted), args), name=f"job:{dotted}",
                              daemon=True)
    with _THREAD_LIST:
        threads: list[threading.Thread] = app.extensions.setdefault("job_threads", [])
        threads[:] = [running for running in threads if running.is_alive()]  # a long-lived server keeps no dead ones
        threads.append(thread)
        thread.start()


def _resolve(dotted: str) -> Callable[..., Any]:
    import importlib

    module_name, _, function_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)  # type: ignore[no-any-return]


def _in_app(app: Flask, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with _ONE_AT_A_TIME, app.app_context():
        try:
            function(*args)
        except Exception:
            log.exception("Background work failed")


def perform(job_id: int) -> None:
    """Run one job: what an RQ worker calls (inside the app context ``jobs worker`` pushed) and
    what the in-process thread calls. A fresh app context gives the job its own database session."""
    with current_app.app_context():
        context = service.JobContext(dbs=db.session(), store=media_store(), settings=current_app.config)
        service.run(context, job_id)


def wait_for_threads(app: Flask, timeout: float = 120.0) -> None:
    """Let the in-process jobs started so far finish (tests and the worker command's shutdown)."""
    with _THREAD_LIST:
        waiting = list(app.extensions.get("job_threads", []))
    for thread in waiting:
        thread.join(timeout)
    with _THREAD_LIST:
        threads: list[threading.Thread] = app.extensions.setdefault("job_threads", [])
        threads[:] = [thread for thread in threads if thread.is_alive()]


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Run an RQ worker on the portfolio queue until stopped (or, with ``burst``, until it is empty).

    A ``SimpleWorker`` runs each job in this process, inside the app context the command pushed:
    no fork, so no database connection or speech engine is shared with a child."""
    from redis import Redis
    from rq import SimpleWorker

    url = redis_url(app.config)
    if not url:
        raise RuntimeError("Set JOBS_REDIS_URL (or REDIS_URL) to run a job worker.")
    connection = Redis.from_url(url)
    worker = SimpleWorker([rq_queue(url)], connection=connection)
    return bool(worker.work(burst=burst, with_scheduler=False))
