"""Learners from the school's information system (a CSV, previewed before anything is saved), and
login cards for a whole group on one sheet.

Each route reads the request, calls one function of ``imports.service`` and picks a page.
"""
from __future__ import annotations

import segno
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.imports import service as imports
from portfolio.media import serving as media
from portfolio.media.storage import media_store
from portfolio.models import Group
from portfolio.web import policy
from portfolio.web.spreadsheets import csv_download

bp = Blueprint("imports", __name__, url_prefix="/imports")

PENDING_KEY = "learner_import"
NO_FILE = "Choose the CSV file with your learners in it first."


def _pending() -> imports.PendingImport | None:
    held = session.get(PENDING_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("key"), str) or not isinstance(held.get("digest"), str):
        return None
    return imports.PendingImport(key=held["key"], digest=held["digest"])


def _upload_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("imports/upload.html", error=error, max_rows=imports.MAX_ROWS,
                           max_megabytes=imports.MAX_BYTES // (1024 * 1024)), status


@bp.get("/learners")
@policy.guard("imports.manage")
def upload_form() -> tuple[str, int]:
    return _upload_page()


@bp.post("/learners")
@policy.guard("imports.manage")
def preview() -> tuple[str, int]:
    upload = request.files.get("learners")
    if upload is None or not upload.filename:
        return _upload_page(NO_FILE, 400)
    # One byte more than the limit is enough to know the file is too big.
    data = upload.stream.read(imports.MAX_BYTES + 1)
    try:
        plan, pending = imports.preview_upload(db.session(), media_store(), current_user.school, data,
                                               replacing=_pending())
    except KindError as refused:
        return _upload_page(refused.message, 400)
    session[PENDING_KEY] = {"key": pending.key, "digest": pending.digest}
    return render_template("imports/preview.html", plan=plan), 200


@bp.post("/learners/confirm")
@policy.guard("imports.manage")
def confirm() -> tuple[str, int]:
    dbs = db.session()
    try:
        result = imports.confirm_import(dbs, media_store(), current_user.school, current_user, _pending(),
                                        hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except KindError as refused:
        return _upload_page(refused.message, 400)
    media.commit(dbs, result.change)
    session.pop(PENDING_KEY, None)
    return render_template("imports/done.html", result=result), 200


@bp.post("/learners/cancel")
@policy.guard("imports.manage")
def cancel() -> Response:
    imports.cancel_import(media_store(), current_user.school, _pending())
    session.pop(PENDING_KEY, None)
    flash("The import is cancelled. Nothing was saved.")
    return redirect(url_for("imports.upload_form"))


@bp.get("/learners/template.csv")
@policy.guard("imports.manage")
def template() -> Response:
    header, rows = imports.template_rows()
    return csv_download("learners-template.csv", header, rows)


@bp.get("/groups/<int:group_id>/cards")
@policy.guard("group.cards", arg="group_id")
def group_cards(group: Group) -> str:
    return render_template("imports/group_cards.html", group=group,
                           learners=imports.group_learners(db.session(), group))


@bp.post("/groups/<int:group_id>/cards")
@policy.guard("group.cards", arg="group_id")
def print_group_cards(group: Group) -> tuple[str, int]:
    dbs = db.session()
    try:
        issued = imports.issue_group_cards(dbs, group, current_user, current_app.config["LOGIN_CARD_DAYS"])
    except KindError as refused:
        return render_template("imports/group_cards.html", group=group, learners=[], error=refused.message), 400
    dbs.commit()
    # The sheet is shown once, straight from this answer: the card secrets are never kept anywhere.
    sheet = [{
        "learner": card.card.learner,
        "card": card.card,
        "code": f"{card.short_code[:3]}-{card.short_code[3:]}",
        "qr_png": segno.make(url_for("auth.card", token=card.token, _external=True), error="m")
        .png_data_uri(scale=6, border=2),
    } for card in issued]
    return render_template("imports/card_sheet.html", group=group, sheet=sheet), 200
