"""A portable portfolio: staff save a learner's whole portfolio as a zip; the careers leader imports one.

Each route reads the request, calls ``export`` or ``importer`` and picks a page
or the download.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio import db
from portfolio.jobs import queue as job_queue
from portfolio.jobs import service as jobs
from portfolio.media import serving as media
from portfolio.media.storage import media_store
from portfolio.models import Group, User, utcnow
from portfolio.people import accounts
from portfolio.portability import export as portable_export
from portfolio.portability.format import MAX_UPLOAD_BYTES
from portfolio.symbols import library as symbols
from portfolio.web import policy
from portfolio.web.downloads import zip_download
from portfolio.web.extensions import csrf
from portfolio.web.forms import form_id

bp = Blueprint("portability", __name__, url_prefix="/portability")

NO_FILE = "Please choose the portfolio file (a .zip file) first."
NO_GROUP = "Please choose a group for the learner."


@bp.post("/learners/<int:learner_id>/export")
@policy.guard("portability.export", arg="learner_id")
def export(learner: User) -> Response:
    def write(out: IO[bytes]) -> None:
        portable_export.write_export(
            db.session(), media_store(), learner, out,
            secret_key=current_app.config["SECRET_KEY"],
            templates=current_app.jinja_env,
            symbol_dir=Path(current_app.static_folder or "static") / "symbols",
            exported_at=utcnow(),
            attribution=symbols.attribution(),
            actor=policy.actor(),
        )
        db.session().commit()  # the export's line on the audit trail

    return zip_download(write, portable_export.download_name(learner, date.today()), "portfolio-export-")


def _import_page(error: str | None = None, group_id: int | None = None, status: int = 200) -> tuple[str, int]:
    groups = accounts.groups_in_school(db.session(), current_user.school_id)
    return render_template("portability/import.html", groups=groups, error=error, group_id=group_id,
                           group_options=[(group.id, group.name, "group") for group in groups],
                           max_megabytes=_upload_limit() // (1024 * 1024)), status


def _upload_limit() -> int:
    return int(current_app.config.get("PORTABLE_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger upload limit for portfolios is in place
@policy.guard("portability.import")
def import_portfolio() -> tuple[str, int] | Response:
    if request.method == "GET":  # "Choose the file again" after a refused import keeps its group
        return _import_page(group_id=form_id(request.args.get("group_id", "")))
    # A portfolio zip is far bigger than a photo, so this one route may take more than the app's
    # MAX_CONTENT_LENGTH. The limit must be set before the form is parsed, hence the CSRF check here.
    request.max_content_length = _upload_limit()
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    dbs = db.session()
    group_value = request.form.get("group_id", "")
    group_id = form_id(group_value)
    group = dbs.get(Group, group_id) if group_id is not None else None
    if group is None or group.school_id != current_user.school_id:
        return _import_page(NO_GROUP, status=400)
    upload = request.files.get("portfolio")
    if upload is None or not (upload.filename or upload.content_length):
        return _import_page(NO_FILE, group.id, status=400)
    # Kept in the media store, so whichever worker runs the import (on any host) can read it;
    # the job removes it when it is over.
    saved, change = jobs.keep_file(dbs, media_store(), current_user.school_id, upload.stream.read(),
                                   "application/zip", "zip")
    job = jobs.create(dbs, "import", policy.actor(), arguments={"upload_media_id": saved.id, "group_id": group.id})
    media.commit(dbs, change)
    job_queue.submit(job.id)
    return redirect(url_for("jobs.job_page", job_id=job.id), code=303)
