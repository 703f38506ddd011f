"""A learner's audit trail (page and CSV) and the subject access download, for an admin of their school."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

from flask import Blueprint, Response, current_app, render_template, request

from portfolio import db
from portfolio.errors import KindError
from portfolio.media.storage import media_store
from portfolio.models import User, utcnow
from portfolio.stewardship import subject_access, trail
from portfolio.symbols import library as symbols
from portfolio.web import policy
from portfolio.web.downloads import zip_download
from portfolio.web.forms import form_id
from portfolio.web.spreadsheets import csv_download

bp = Blueprint("stewardship", __name__, url_prefix="/stewardship")


def _trail_page(learner: User, found: trail.TrailPage | None, error: str | None = None, status: int = 200):
    return render_template("stewardship/trail.html", learner=learner, page=found, error=error,
                           actions=trail.ACTIONS, kinds=trail.KINDS,
                           filters=found.filters if found else trail.TrailFilters(),
                           raw=request.args), status


@bp.get("/learners/<int:learner_id>/trail")
@policy.guard("audit.view", arg="learner_id")
def learner_trail(learner: User):
    try:
        found = trail.trail_page(db.session(), learner, trail.read_filters(request.args),
                                 form_id(request.args.get("before", "")))
    except KindError as problem:
        return _trail_page(learner, None, problem.message, 400)
    return _trail_page(learner, found)


@bp.get("/learners/<int:learner_id>/trail.csv")
@policy.guard("audit.view", arg="learner_id")
def trail_csv(learner: User):
    dbs = db.session()
    try:
        rows = trail.trail_csv(dbs, learner, trail.read_filters(request.args), policy.actor())
    except KindError as problem:
        return _trail_page(learner, None, problem.message, 400)
    dbs.commit()  # the download's own line on the trail
    return csv_download(trail.csv_name(learner, date.today()), trail.CSV_HEADER, rows)


@bp.post("/learners/<int:learner_id>/subject-access")
@policy.guard("subject_access.download", arg="learner_id")
def subject_access_download(learner: User) -> Response:
    dbs = db.session()

    def write(out: IO[bytes]) -> None:
        subject_access.write_subject_access(
            dbs, media_store(), learner, out, actor=policy.actor(), exported_at=utcnow(),
            setting=subject_access.ExportSetting(
                secret_key=current_app.config["SECRET_KEY"], templates=current_app.jinja_env,
                symbol_dir=Path(current_app.static_folder or "static") / "symbols",
                attribution=symbols.attribution()))
        dbs.commit()  # the download's own line on the trail

    return zip_download(write, subject_access.download_name(learner, date.today()), "subject-access-")
