"""Importing a portfolio zip as a job: checking and copying hundreds of photos and recordings takes
longer than a request should, so the careers leader watches a progress page instead.

The route keeps the upload in the media store (so any worker on any host can read it) and the job
removes it when it is over, whatever happened.
"""
from __future__ import annotations

import io
import logging

from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.jobs.service import JobContext, Outcome
from portfolio.media.changes import MediaChange
from portfolio.models import Group, Job, MediaFile, User
from portfolio.portability import importer as portable_import
from portfolio.portability.format import ImportRefused

log = logging.getLogger(__name__)

CHOOSE_AGAIN = "For your safety the file is not kept after a problem, so please choose it again."
GONE = "The uploaded file or the group chosen is no longer here. Please choose them again."


def _counted(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def result_message(result: portable_import.ImportResult) -> str:
    """The result in a sentence: shown on the job's page and heard from it."""
    name = result.learner.display_name
    if result.already_imported:
        return f"{name}’s portfolio is already here. This portfolio was imported before, so nothing new was added."
    added = (f"{_counted(result.added_experiences, 'entry', 'entries')} and "
             f"{_counted(result.added_statements, 'passport statement', 'passport statements')}")
    if result.created_learner:
        return f"{name}’s portfolio is imported, with {added}."
    return f"This is a newer copy of a portfolio you imported before. {added} were new, and were added to {name}."


def _inputs(dbs: Session, job: Job) -> tuple[MediaFile, User, Group]:
    upload = dbs.get(MediaFile, job.arguments.get("upload_media_id") or 0)
    owner = dbs.get(User, job.owner_id)
    group = dbs.get(Group, job.arguments.get("group_id") or 0)
    if upload is None or owner is None or group is None or group.school_id != owner.school_id:
        raise KindError(GONE)
    return upload, owner, group


def import_upload(context: JobContext, job: Job) -> Outcome:
    """Import the uploaded zip into the owner's school and the chosen group."""
    dbs, store = context.dbs, context.store
    upload, owner, group = _inputs(dbs, job)
    path = store.path(upload.key)
    source = str(path) if path is not None else io.BytesIO(store.read(upload.key))
    try:
        result = portable_import.import_portfolio(dbs, store, source, school=owner.school, group=group, actor=owner)
    except ImportRefused as refused:
        log.warning("Portfolio import refused: %s", refused.detail)
        raise KindError(f"{refused.message} {CHOOSE_AGAIN}") from None
    job.arguments = {**job.arguments, "result": {"created": result.created_learner,
                                                 "entries": result.added_experiences,
                                                 "statements": result.added_statements}}
    return Outcome(message=result_message(result), learner_id=result.learner.id,
                   change=MediaChange(written=list(result.written_keys)))
