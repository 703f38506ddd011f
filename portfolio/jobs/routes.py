"""A job's page: its progress while it runs, then its result (a PDF to download, an imported portfolio).

The page asks again every second through htmx (the progress fragment only), and offers a plain
"Check again" link without JavaScript, so no one waits at a blank screen.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort
from werkzeug.utils import secure_filename

from portfolio import db
from portfolio.jobs import service as jobs
from portfolio.media import serving as media
from portfolio.models import Job, MediaFile, Role, User
from portfolio.web import hx, policy

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

TITLES = {"review-pdf": "Your PDF", "import": "Importing a portfolio"}


@bp.get("/<int:job_id>")
@policy.guard("job.view", arg="job_id")
def job_page(job: Job) -> Response:
    learner = db.session().get(User, job.learner_id) if job.learner_id is not None else None
    size = "learner" if policy.actor().role_enum is Role.LEARNER else "standard"
    return hx.render("jobs/job.html", "jobs/_progress.html", "job-progress", job=job, learner=learner, size=size,
                     title=TITLES.get(job.kind, "Your request"), progress=jobs.progress(job))


@bp.get("/<int:job_id>/download")
@policy.guard("job.view", arg="job_id")
def download(job: Job) -> Response:
    made = db.session().get(MediaFile, job.result_media_id) if job.result_media_id is not None else None
    if job.state != jobs.DONE or made is None:
        abort(404)
    name = secure_filename(job.result_name) or "download"  # a learner's name may hold quotes or accents
    response = media.send_media(made, download_name=name)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
