"""Pages about the app itself, open to everyone."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from portfolio import db
from portfolio.web import policy

bp = Blueprint("main", __name__)


@bp.get("/health")
@policy.public
def health():
    db.session().execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/about")
@policy.public
def about():
    return render_template("main/about.html")
