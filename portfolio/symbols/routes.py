"""A school's own symbols: staff upload and remove them; everyone in the school sees them. And every
other OpenMoji drawing staff can find by search, served from the installed package."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.media import serving as media
from portfolio.media.changes import MediaChange
from portfolio.media.storage import media_store
from portfolio.models import SchoolSymbol
from portfolio.symbols import openmoji as openmoji_library
from portfolio.symbols import service as school_symbols
from portfolio.web import policy
from portfolio.web.static_files import IMMUTABLE, REVALIDATE

bp = Blueprint("symbols", __name__, url_prefix="/symbols")


@bp.route("/", methods=["GET", "POST"])
@policy.guard("symbols.manage")
def manage():
    dbs = db.session()
    error = None
    if request.method == "POST":
        upload = request.files.get("image")
        word = request.form.get("word", "")
        try:
            if upload is None or not upload.filename:
                raise school_symbols.SymbolError("Please choose a picture (PNG or JPEG).")
            _symbol, change = school_symbols.upload(dbs, media_store(), current_user.school_id, word,
                                                   upload.read(), current_user)
        except KindError as problem:
            dbs.rollback()
            error = problem.message
        else:
            media.commit(dbs, change)
            flash(f"The symbol for ‘{school_symbols.vocabulary.normalise_word(word)}’ is saved.")
            return redirect(url_for("symbols.manage"))
    return render_template("symbols/manage.html", symbols=school_symbols.in_school(dbs, current_user.school_id),
                           error=error, word=request.form.get("word", "")), (400 if error else 200)


@bp.post("/<int:symbol_id>/remove")
@policy.guard("school_symbol.manage", arg="symbol_id")
def remove(school_symbol: SchoolSymbol):
    word = school_symbol.word
    keys = school_symbols.remove(db.session(), school_symbol)
    media.commit(db.session(), MediaChange(replaced=keys))
    flash(f"The school symbol for ‘{word}’ has been taken away.")
    return redirect(url_for("symbols.manage"))


@bp.get("/<int:symbol_id>/image")
@policy.guard("school_symbol.view", arg="symbol_id")
def image(school_symbol: SchoolSymbol):
    return media.send_media(school_symbol.image)


@bp.get("/openmoji/<stem>.svg")
@policy.public
def openmoji(stem: str):
    """Any named OpenMoji drawing, for symbols staff found beyond the copies in ``static/symbols``.

    Public and the same for everyone, so it may be kept a year when the URL names the installed
    OpenMoji version (``symbol_url`` always does); any other URL is checked each time.
    """
    path = openmoji_library.svg_path(stem)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/svg+xml", conditional=True)
    current = request.args.get("v") == openmoji_library.version()
    response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
    return response
