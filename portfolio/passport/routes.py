"""Routes for the communication passport. Each route reads the request, calls the passport service
and picks a page.

Learners meet one task per screen: the passport, then one part of it (tap statements), then one
statement (record it in their own voice). Staff use the same screens with standard-sized targets,
plus the help level, evidence links and parents' suggestions. Every statement id in a URL must
belong to the learner in the same URL, or the answer is 404.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.experiences import service as experiences
from portfolio.media import recordings
from portfolio.media import serving as media
from portfolio.media.changes import MediaChange
from portfolio.media.storage import media_store
from portfolio.models import Experience, HelpLevel, PassportStatement, Role, StatementStatus, User
from portfolio.passport import service as passport
from portfolio.passport.service import PassportError
from portfolio.symbols import vocabulary
from portfolio.web import hx, policy
from portfolio.web.forms import form_id

bp = Blueprint("passport", __name__)

EDITOR_TARGET = "section-editor"
VOICE_TARGET = "statement-voice"


@bp.context_processor
def _passport_helpers() -> dict[str, object]:
    return {"passport": passport, "statement_help_label": passport.help_label}


def _size() -> str:
    return "learner" if current_user.role_enum is Role.LEARNER else "standard"


def _statement(learner: User, statement_id: int, active_only: bool = True) -> PassportStatement:
    found = passport.find(db.session(), learner, statement_id)
    if found is None or (active_only and found.status != StatementStatus.ACTIVE.value):
        abort(404)
    return found


def _visible_evidence(statement: PassportStatement) -> list[Experience]:
    actor = policy.actor()
    return [e for e in statement.evidence if policy.allows(actor, "experience.view", e)]


def _section_or_404(section_key: str) -> passport.Section:
    try:
        return passport.section(section_key)
    except PassportError:
        abort(404)


# ----------------------------------------------------------------------------- the passport


@bp.get("/passport/<int:learner_id>")
@policy.guard("passport.view", arg="learner_id")
def show(learner: User):
    dbs = db.session()
    actor = policy.actor()
    return render_template(
        "passport/show.html", learner=learner, sections=passport.SECTIONS,
        grouped=passport.by_section(passport.statements(dbs, learner)), size=_size(),
        evidence_for=_visible_evidence,
        waiting=passport.suggestions(dbs, learner) if policy.allows(actor, "passport.review", learner) else [],
        my_ideas=passport.suggested_by(dbs, learner, actor) if actor.role_enum is Role.PARENT else [],
    )


def _print_page(learner: User, template: str) -> str:
    return render_template(template, learner=learner, sections=passport.SECTIONS,
                           grouped=passport.by_section(passport.statements(db.session(), learner)),
                           evidence_for=_visible_evidence, size="standard")


@bp.get("/passport/<int:learner_id>/print/profile")
@policy.guard("passport.view", arg="learner_id")
def profile(learner: User):
    """A one-page profile to print, for a placement's staff room wall or a new teacher."""
    return _print_page(learner, "passport/profile.html")


@bp.get("/passport/<int:learner_id>/print/booklet")
@policy.guard("passport.view", arg="learner_id")
def booklet(learner: User):
    """An A5 booklet to print: a cover, then one page for each part of the passport."""
    return _print_page(learner, "passport/booklet.html")


@bp.get("/passport/<int:learner_id>/passport.pdf")
@policy.guard("passport.view", arg="learner_id")
def pdf(learner: User):
    page_size = "A5" if request.args.get("size") == "A5" else "A4"
    data = passport.passport_pdf(db.session(), learner, media_store(), Path(current_app.static_folder or "static"),
                                 _visible_evidence, page_size=page_size)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    safe_name = re.sub(r"[^A-Za-z0-9]+", "-", learner.display_name).strip("-").lower() or "learner"
    response.headers["Content-Disposition"] = f'attachment; filename="passport-{safe_name}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ----------------------------------------------------------------------------- one part: tapping statements


def _render_section(learner: User, info: passport.Section, error: str | None = None, status: int = 200,
                    typed: str = "") -> Response:
    found = passport.by_section(passport.statements(db.session(), learner))[info.key]
    return hx.render("passport/section.html", "passport/_section_editor.html", EDITOR_TARGET, status=status,
                     learner=learner, section=info, statements=found, pressed=passport.pressed_starters(found, info),
                     size=_size(), error=error, typed=typed, target=EDITOR_TARGET)


@bp.get("/passport/<int:learner_id>/sections/<section_key>")
@policy.guard("passport.edit", arg="learner_id")
def section(learner: User, section_key: str):
    return _render_section(learner, _section_or_404(section_key))


@bp.post("/passport/<int:learner_id>/sections/<section_key>")
@policy.guard("passport.edit", arg="learner_id")
def change_section(learner: User, section_key: str):
    info = _section_or_404(section_key)
    dbs = db.session()
    toggle = request.form.get("toggle", "")
    removed: list[str] = []
    try:
        if toggle:
            key, _, state = toggle.rpartition(":")
            removed = passport.set_starter(dbs, learner, policy.actor(), info.key, key, state == "on")
        elif "text" in request.form:
            passport.add_own(dbs, learner, policy.actor(), info.key, request.form.get("text", ""))
        else:
            raise PassportError("Please choose one of the pictures.")
    except PassportError as problem:
        dbs.rollback()
        return _render_section(learner, info, problem.message, status=400, typed=request.form.get("text", ""))
    media.commit(dbs, MediaChange(replaced=removed))
    if hx.wants_fragment(EDITOR_TARGET):
        return _render_section(learner, info)
    return redirect(url_for("passport.section", learner_id=learner.id, section_key=info.key, _anchor="chosen"))


# ----------------------------------------------------------------------------- one statement


def _render_statement(learner: User, statement: PassportStatement, error: str | None = None,
                      status: int = 200, errors_at: str = "") -> Response:
    actor = policy.actor()
    reviewer = policy.allows(actor, "passport.review", learner)
    query = request.args.get("q", "").strip()[:60]
    return hx.render(
        "passport/statement.html", "passport/_voice.html", VOICE_TARGET, status=status,
        learner=learner, statement=statement, section=passport.section(statement.section), size=_size(),
        error=error, errors_at=errors_at, target=VOICE_TARGET, reviewer=reviewer,
        entries=experiences.portfolio(db.session(), learner) if reviewer else [],
        evidence=_visible_evidence(statement), query=query,
        symbol_results=vocabulary.search(query)[:12] if query else [],
        help_options=[(level.value, level.label, level.symbol) for level in HelpLevel],
    )


@bp.get("/passport/<int:learner_id>/statements/<int:statement_id>")
@policy.guard("passport.edit", arg="learner_id")
def statement(learner: User, statement_id: int):
    return _render_statement(learner, _statement(learner, statement_id))


@bp.post("/passport/<int:learner_id>/statements/<int:statement_id>")
@policy.guard("passport.edit", arg="learner_id")
def change_statement(learner: User, statement_id: int):
    found = _statement(learner, statement_id)
    dbs = db.session()
    action = request.form.get("action", "")
    removed: list[str] = []
    section_key = found.section
    try:
        if action == "remove":
            removed = passport.remove(dbs, found)
        elif action == "text":
            passport.set_text(found, request.form.get("text", ""))
        elif action == "symbol":
            passport.set_symbol(dbs, found, request.form.get("symbol", ""))
        elif action == "help":
            if not policy.allows(policy.actor(), "passport.review", learner):
                abort(403)
            passport.set_help_level(found, request.form.get("help_level", ""))
        else:
            raise PassportError("Please choose what to change.")
    except PassportError as problem:
        dbs.rollback()
        return _render_statement(learner, found, problem.message, status=400, errors_at=action)
    media.commit(dbs, MediaChange(replaced=removed))
    if action == "remove":
        return redirect(url_for("passport.section", learner_id=learner.id, section_key=section_key, _anchor="chosen"))
    return redirect(url_for("passport.statement", learner_id=learner.id, statement_id=found.id))


def _after_voice(learner: User, statement: PassportStatement, error: str | None) -> Response:
    if error is not None:
        return _render_statement(learner, statement, error, status=400, errors_at="voice")
    if hx.wants_fragment(VOICE_TARGET):
        return _render_statement(learner, statement)
    return redirect(url_for("passport.statement", learner_id=learner.id, statement_id=statement.id, _anchor="voice"))


@bp.post("/passport/<int:learner_id>/statements/<int:statement_id>/voice")
@policy.guard("passport.edit", arg="learner_id")
def add_voice(learner: User, statement_id: int):
    found = _statement(learner, statement_id)
    upload = request.files.get("voice")
    if upload is None:
        return _after_voice(learner, found, "Please record your voice first.")
    dbs = db.session()
    try:
        change = recordings.record(dbs, media_store(), found, upload.read(), folder="voice",
                                   max_seconds=current_app.config["MAX_VOICE_SECONDS"])
    except KindError as refused:
        return _after_voice(learner, found, refused.message)
    media.commit(dbs, change)
    return _after_voice(learner, found, None)


@bp.post("/passport/<int:learner_id>/statements/<int:statement_id>/voice/remove")
@policy.guard("passport.edit", arg="learner_id")
def remove_voice(learner: User, statement_id: int):
    found = _statement(learner, statement_id)
    dbs = db.session()
    media.commit(dbs, recordings.remove(dbs, found))
    return _after_voice(learner, found, None)


@bp.get("/passport/<int:learner_id>/statements/<int:statement_id>/voice")
@policy.guard("passport.view", arg="learner_id")
def voice(learner: User, statement_id: int):
    found = _statement(learner, statement_id, active_only=False)
    if not policy.can_see_statement(policy.actor(), found):
        abort(404)
    return media.send_media(found.voice)


@bp.post("/passport/<int:learner_id>/statements/<int:statement_id>/evidence")
@policy.guard("passport.review", arg="learner_id")
def evidence(learner: User, statement_id: int):
    found = _statement(learner, statement_id)
    experience_id = form_id(request.form.get("experience_id"))
    try:
        if request.form.get("action") == "unlink":
            passport.unlink_evidence(found, experience_id)
        else:
            passport.link_evidence(db.session(), found, experience_id)
    except PassportError as problem:
        db.session().rollback()
        return _render_statement(learner, found, problem.message, status=400, errors_at="evidence")
    db.session().commit()
    return redirect(url_for("passport.statement", learner_id=learner.id, statement_id=found.id, _anchor="evidence"))


# ----------------------------------------------------------------------------- suggestions from home


def _render_suggest(learner: User, error: str | None = None, status: int = 200) -> Response:
    return make_response(render_template(
        "passport/suggest.html", learner=learner, error=error,
        section_options=[(info.key, info.label, info.symbol) for info in passport.SECTIONS],
        chosen=request.form.get("section", ""), typed=request.form.get("text", "")), status)


@bp.get("/passport/<int:learner_id>/suggest")
@policy.guard("passport.suggest", arg="learner_id")
def suggest_form(learner: User):
    return _render_suggest(learner)


@bp.post("/passport/<int:learner_id>/suggest")
@policy.guard("passport.suggest", arg="learner_id")
def suggest(learner: User):
    try:
        passport.suggest(db.session(), learner, policy.actor(), request.form.get("section", ""),
                         request.form.get("text", ""))
    except PassportError as problem:
        db.session().rollback()
        return _render_suggest(learner, problem.message, status=400)
    db.session().commit()
    flash(passport.SUGGESTED_THANKS)
    return redirect(url_for("passport.show", learner_id=learner.id, _anchor="my-ideas"))


@bp.get("/passport/<int:learner_id>/suggestions")
@policy.guard("passport.review", arg="learner_id")
def suggestions(learner: User):
    return render_template("passport/suggestions.html", learner=learner,
                           waiting=passport.suggestions(db.session(), learner), error=None)


@bp.post("/passport/<int:learner_id>/statements/<int:statement_id>/review")
@policy.guard("passport.review", arg="learner_id")
def review(learner: User, statement_id: int):
    found = _statement(learner, statement_id, active_only=False)
    decision = request.form.get("decision", "")
    try:
        changed = passport.review(db.session(), found, policy.actor(), decision)
    except PassportError as problem:
        db.session().rollback()
        return make_response(render_template("passport/suggestions.html", learner=learner,
                                             waiting=passport.suggestions(db.session(), learner),
                                             error=problem.message), 400)
    db.session().commit()
    if changed:
        flash("Added to the passport." if decision == "accept" else "Not added. The idea has been put away.")
    return redirect(url_for("passport.suggestions", learner_id=learner.id))
