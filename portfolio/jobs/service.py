"""Job rows: made by a route, run by a worker or a thread, read by the progress page.

A job's kind names the function that does the work by its dotted path (``KINDS``), imported only
when the job runs: the areas that enqueue work sit above this package, and it never imports them.
The function gets a ``JobContext`` (session, media store, settings) and the job, and returns an
``Outcome``; a ``KindError`` it raises becomes the failed job's message.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portfolio import audit
from portfolio.errors import KindError
from portfolio.media.changes import MediaChange, commit_or_clean_up
from portfolio.media.storage import MediaStore, new_key
from portfolio.models import Job, MediaFile, User, utcnow

log = logging.getLogger(__name__)

WAITING, WORKING, DONE, FAILED = "waiting", "working", "done", "failed"

# kind -> "module:function" of the work. Imported when a job runs, never before.
KINDS: dict[str, str] = {
    "review-pdf": "portfolio.reviews.pdf_job:make_pack_pdf",
    "import": "portfolio.portability.import_job:import_upload",
}
# What the progress page says while each kind is under way.
WORKING_WORDS: dict[str, str] = {
    "review-pdf": "Making your PDF…",
    "import": "Importing the portfolio…",
}
WAITING_WORDS = "Waiting to start. It will begin soon."
SOMETHING_WENT_WRONG = "Sorry, something went wrong and this was not finished. Please try again."
TOOK_TOO_LONG = "Sorry, this took too long and was stopped. Please try again."
# A job still "working" after this was cut off (its worker stopped): the page says so, never spins on.
STALE_AFTER = timedelta(minutes=30)


@dataclass
class JobContext:
    """What a job's function may use: no request, no app, only these."""

    dbs: Session
    store: MediaStore
    settings: Mapping[str, Any]


@dataclass
class Outcome:
    """A finished job: its message, and what it made (a file to download, a learner to open)."""

    message: str
    learner_id: int | None = None
    media: MediaFile | None = None
    download_name: str = ""
    change: MediaChange = field(default_factory=MediaChange)


@dataclass(frozen=True)
class Progress:
    """A job as its page shows it: words to read and hear, a symbol, and whether to keep asking."""

    state: str
    words: str
    symbol: str
    finished: bool


def create(dbs: Session, kind: str, owner: User, *, learner_id: int | None = None,
           arguments: dict[str, Any] | None = None) -> Job:
    """A waiting job, added to the session; the caller commits before handing it to the queue."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, owner_id=owner.id, school_id=owner.school_id, learner_id=learner_id,
              arguments=dict(arguments or {}), state=WAITING, message="", result_name="")
    dbs.add(job)
    dbs.flush()
    return job


def keep_file(dbs: Session, store: MediaStore, school_id: int, data: bytes, content_type: str,
              extension: str) -> tuple[MediaFile, MediaChange]:
    """Put bytes a job needs or made in the media store, with a row, so every app server and
    worker can read them and the media sweep leaves them alone."""
    key = new_key("jobs", extension)
    store.save(key, data)
    row = MediaFile(school_id=school_id, key=key, content_type=content_type)
    dbs.add(row)
    dbs.flush()
    return row, MediaChange(written=[key])


def _work_for(kind: str) -> Callable[[JobContext, Job], Outcome]:
    module_name, _, function_name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module_name), function_name)  # type: ignore[no-any-return]


def run(context: JobContext, job_id: int) -> Job | None:
    """Do one job and record how it went. The job is claimed by one conditional UPDATE, so a job
    handed over twice (a retry, two workers) runs once; one not waiting is left as it is."""
    dbs = context.dbs
    claimed = dbs.execute(update(Job).where(Job.id == job_id, Job.state == WAITING)
                          .values(state=WORKING, started_at=utcnow())
                          .execution_options(synchronize_session=False)).rowcount
    dbs.commit()
    job = dbs.get(Job, job_id, populate_existing=True)
    if job is None or not claimed:
        return job
    # What the job changes is on the audit trail as the change of the person who asked for it.
    audit.act_as(dbs, dbs.get(User, job.owner_id))
    try:
        outcome = _work_for(job.kind)(context, job)
    except KindError as refused:
        return _failed(context, job_id, refused.message)
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        return _failed(context, job_id, SOMETHING_WENT_WRONG)
    _finish(job, DONE, outcome.message)
    job.learner_id = outcome.learner_id if outcome.learner_id is not None else job.learner_id
    if outcome.media is not None:
        job.result_media_id, job.result_name = outcome.media.id, outcome.download_name
    change = outcome.change.add(_drop_upload(dbs, job))
    commit_or_clean_up(dbs, context.store, change)
    return job


def _failed(context: JobContext, job_id: int, message: str) -> Job | None:
    """Undo whatever the job half did, then record the failure in its own transaction."""
    dbs = context.dbs
    dbs.rollback()
    job = dbs.get(Job, job_id)
    if job is None:
        return None
    _finish(job, FAILED, message)
    commit_or_clean_up(dbs, context.store, _drop_upload(dbs, job))
    return job


def _finish(job: Job, state: str, message: str) -> None:
    job.state, job.message, job.finished_at = state, message[:300], utcnow()


def _drop_upload(dbs: Session, job: Job) -> MediaChange:
    """The uploaded file a job worked from is not kept once the job is over, whatever happened."""
    upload = dbs.get(MediaFile, job.arguments.get("upload_media_id") or 0)
    if upload is None:
        return MediaChange()
    dbs.delete(upload)
    return MediaChange(replaced=[upload.key])


def find(dbs: Session, job_id: int) -> Job | None:
    return dbs.get(Job, job_id)


def progress(job: Job, now: datetime | None = None) -> Progress:
    """What the page says about a job, in words and a symbol."""
    if job.state == DONE:
        return Progress(DONE, job.message, "done", True)
    if job.state == FAILED:
        return Progress(FAILED, job.message or SOMETHING_WENT_WRONG, "warning", True)
    moment = now or utcnow()
    if job.state == WORKING and job.started_at is not None and moment - job.started_at > STALE_AFTER:
        return Progress(FAILED, TOOK_TOO_LONG, "warning", True)
    if job.state == WORKING:
        return Progress(WORKING, WORKING_WORDS.get(job.kind, "Working on it…"), "waiting", False)
    return Progress(WAITING, WAITING_WORDS, "waiting", False)


def prune(dbs: Session, before: datetime) -> tuple[int, MediaChange]:
    """Forget jobs that finished before ``before`` and the files they made: a PDF is made again in
    seconds, and kept copies of learners' records should not pile up. The caller commits with the change."""
    old = list(dbs.scalars(select(Job).where(Job.state.in_((DONE, FAILED)), Job.finished_at < before)))
    change = MediaChange()
    for job in old:
        made = dbs.get(MediaFile, job.result_media_id) if job.result_media_id is not None else None
        dbs.delete(job)
        if made is not None:
            dbs.delete(made)
            change.replaced.append(made.key)
    dbs.flush()
    return len(old), change
