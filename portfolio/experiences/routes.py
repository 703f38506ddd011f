"""Making, checking and reading experiences: the learner's step-by-step flow and the staff side.

Each route reads the request, calls the experiences service and picks a page or fragment.
Learners and staff share the same step forms: learners get one step per screen with Back
and Next; staff get every step on one page.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portfolio import db
from portfolio.errors import KindError
from portfolio.experiences import comments
from portfolio.experiences import service as experiences
from portfolio.experiences.service import ExperienceError
from portfolio.media import recordings
from portfolio.media import serving as media
from portfolio.media.changes import MediaChange
from portfolio.media.storage import media_store
from portfolio.models import CareersActivity, Experience, ExperienceStatus, HelpLevel, Role, TagScheme, User
from portfolio.people import consent
from portfolio.symbols import vocabulary
from portfolio.web import hx, policy
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("experiences", __name__, url_prefix="/experiences")


def _is_learner() -> bool:
    return current_user.role_enum is Role.LEARNER


def _step_url(experience: Experience, key: str, **args: str) -> str:
    return url_for("experiences.step", experience_id=experience.id, step_key=key, **args)


def _edit_url(experience: Experience, key: str | None = None) -> str:
    url = url_for("experiences.edit", experience_id=experience.id)
    return f"{url}#step-{key}" if key else url


def _home_for_back(experience: Experience) -> str:
    if _is_learner():
        return url_for("learner.home")
    return url_for("staff.learner", learner_id=experience.learner_id)


def _render_step(experience: Experience, key: str, error: str | None = None, status: int = 200) -> Response:
    """The step as a whole learner screen, a staff edit page, or just the step's fragment for htmx."""
    if hx.wants_fragment(f"step-{key}"):
        return hx.render("experiences/step.html", "experiences/steps/_step.html", f"step-{key}",
                         **_step_context(experience, key, error))
    if not _is_learner():
        return _render_edit(experience, errors={key: error} if error else {}, status=status)
    return hx.render("experiences/step.html", "experiences/steps/_step.html", f"step-{key}", status=status,
                     **_step_context(experience, key, error))


def _step_context(experience: Experience, key: str, error: str | None) -> dict:
    path = experiences.path_for(experience, date.today())
    before, after = experiences.neighbours(key, path)
    category_key = request.values.get("category") or ""
    return {
        "experience": experience,
        "step": experiences.step(key),
        "steps": experiences.steps_for(experience),
        "path": path,
        "before": before,
        "after": after,
        # The learner's way through ends on its last step with Send in the Next button's place.
        "send_here": after is None and key in path,
        "done_here": key in experiences.SEVERAL_ANSWER_KEYS or key in experiences.EXTRA_STEP_KEYS,
        "missing": experiences.missing_for_sending(experience),
        "error": error,
        "size": "learner" if _is_learner() else "standard",
        "mode": "flow" if _is_learner() else "edit",
        "category_key": category_key if category_key in {c.key for c in vocabulary.CATEGORIES} else "",
        "checker": experiences.checker_for(experience.learner),
        "back_url": _home_for_back(experience),
    }


def _render_edit(experience: Experience, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return hx.render("experiences/edit.html", "experiences/edit.html", "edit-page", status=status,
                     experience=experience, steps=experiences.STEPS, errors=errors or {},
                     size="standard", mode="edit", category_key=request.values.get("category") or "",
                     checker=experiences.checker_for(experience.learner),
                     help_options=[(level.value, level.label, level.symbol) for level in HelpLevel],
                     note_options=[(key, text, experiences.SEND_BACK_SYMBOLS[key])
                                   for key, text in experiences.SEND_BACK_NOTES.items()])


def _apply(experience: Experience, key: str, form: MultiDict[str, str]) -> None:
    """Apply one step's form to the entry. A tapped choice wins over typed fields sent with it."""
    choose = form.get("choose")
    toggle = form.get("toggle")
    if key == "kind" and choose:
        experiences.set_kind(experience, choose)
    elif key == "place":
        if choose:
            experiences.set_place(experience, choose, None)
        elif "place" in form and form.get("place", "").strip() != experience.place:
            experiences.set_place(experience, None, form.get("place", ""))
    elif key == "date":
        if choose in {"today", "yesterday"}:
            experiences.set_dates(experience, choose)
        elif choose == "other" or form.get("start", "").strip():
            experiences.set_dates(experience, "other", form.get("start", ""), form.get("end", ""))
    elif key in {"did", "skills"} and toggle:
        value, _, state = toggle.rpartition(":")
        scheme = TagScheme.SKILL if key == "skills" else TagScheme.DID
        experiences.toggle_tag(experience, scheme, value, state == "on")
    elif key == "feeling" and choose:
        experiences.set_feeling(experience, choose)
    elif key == "job" and choose:
        experiences.set_would_like(experience, choose)
    elif key == "words":
        if form.get("add_word"):
            experiences.add_caption_word(experience, form["add_word"])
        elif form.get("caption_action") == "undo":
            experiences.remove_last_caption_word(experience)
        elif form.get("caption_action") == "clear":
            experiences.set_caption(experience, "")
        elif "caption" in form:
            experiences.set_caption(experience, form.get("caption", ""))


@bp.post("/start/<int:learner_id>")
@policy.guard("experience.start", arg="learner_id")
def start(learner: User):
    experience = experiences.start(db.session(), learner, current_user, date.today())
    db.session().commit()
    if _is_learner():
        return hx.redirect_to(_step_url(experience, experiences.resume_step(experience)))
    return hx.redirect_to(_edit_url(experience))


@bp.post("/from-activity/<int:activity_id>")
@policy.guard("activity.record", arg="activity_id")
def from_activity(activity: CareersActivity):
    """The learner taps a planned activity on their home: the entry starts filled in from the plan."""
    experience = experiences.start_from_activity(db.session(), activity, current_user)
    db.session().commit()
    return hx.redirect_to(_step_url(experience, experience.step))


@bp.get("/continue")
@policy.guard("learner.home")
def carry_on():
    draft = experiences.latest_draft(db.session(), current_user)
    if draft is None:
        return redirect(url_for("learner.home"))
    return redirect(_step_url(draft, experiences.resume_step(draft)))


@bp.route("/<int:experience_id>/steps/<step_key>", methods=["GET", "POST"])
@policy.guard("experience.edit", arg="experience_id")
def step(experience: Experience, step_key: str):
    if step_key not in experiences.STEP_KEYS:
        abort(404)
    dbs = db.session()
    if request.method == "GET":
        if _is_learner():
            experiences.remember_step(experience, step_key)
            dbs.commit()
        return _render_step(experience, step_key)
    try:
        _apply(experience, step_key, request.form)
    except ExperienceError as problem:
        dbs.rollback()
        return _render_step(experience, step_key, problem.message, status=400)
    dbs.commit()
    go = request.form.get("go")
    before, after = experiences.neighbours(step_key, experiences.path_for(experience, date.today()))
    if go is None and request.form.get("choose") and _is_learner() and after \
            and experiences.advances_by_itself(step_key):
        go = "next"
    if go in experiences.STEP_KEYS:  # a button of the step strip: what the form held is saved, then jump
        return hx.redirect_to(_step_url(experience, go))
    if go == "back":
        return hx.redirect_to(_step_url(experience, before) if before else _home_for_back(experience))
    if go == "next" and after:
        return hx.redirect_to(_step_url(experience, after))
    if hx.wants_fragment(f"step-{step_key}"):
        return _render_step(experience, step_key)
    if not _is_learner():
        return redirect(_edit_url(experience, step_key))
    category = request.form.get("category")
    return redirect(_step_url(experience, step_key, **({"category": category} if category else {})))


def _after_media_change(experience: Experience, key: str, error: str | None) -> Response:
    if error is not None:
        return _render_step(experience, key, error, status=400)
    if hx.wants_fragment(f"step-{key}"):
        return _render_step(experience, key)
    return redirect(_step_url(experience, key) if _is_learner() else _edit_url(experience, key))


def _uploads(field: str) -> list[bytes]:
    return [f.read() for f in request.files.getlist(field) if f and (f.filename or f.content_length)]


@bp.post("/<int:experience_id>/photos")
@policy.guard("experience.edit", arg="experience_id")
def add_photos(experience: Experience):
    uploads = _uploads("photo")
    if not uploads:
        return _after_media_change(experience, "photos", "Please take or choose a photo first.")
    dbs = db.session()
    change, problem = experiences.add_photos(dbs, media_store(), experience, uploads,
                                             max_bytes=current_app.config["MAX_PHOTO_BYTES"])
    media.commit(dbs, change)
    if problem is None and _is_learner() and experiences.advances_by_itself("photos"):
        _, after = experiences.neighbours("photos", experiences.path_for(experience, date.today()))
        if after:
            return hx.redirect_to(_step_url(experience, after))
    return _after_media_change(experience, "photos", problem)


@bp.post("/<int:experience_id>/photos/<int:photo_id>")
@policy.guard("experience.edit", arg="experience_id")
def change_photo(experience: Experience, photo_id: int):
    dbs = db.session()
    action = request.form.get("action", "")
    removed: list[str] = []
    try:
        if action == "remove":
            removed = experiences.remove_photo(dbs, experience, photo_id)
        else:
            experiences.move_photo(experience, photo_id, action)
    except ExperienceError as problem:
        dbs.rollback()
        return _after_media_change(experience, "photos", problem.message)
    media.commit(dbs, MediaChange(replaced=removed))
    return _after_media_change(experience, "photos", None)


@bp.post("/<int:experience_id>/voice")
@policy.guard("experience.edit", arg="experience_id")
def add_voice(experience: Experience):
    uploads = _uploads("voice")
    if not uploads:
        return _after_media_change(experience, "voice", "Please record your voice first.")
    dbs = db.session()
    try:
        change = recordings.record(dbs, media_store(), experience, uploads[0], folder="voice",
                                   max_seconds=current_app.config["MAX_VOICE_SECONDS"])
    except KindError as refused:
        return _after_media_change(experience, "voice", refused.message)
    media.commit(dbs, change)
    return _after_media_change(experience, "voice", None)


@bp.post("/<int:experience_id>/voice/remove")
@policy.guard("experience.edit", arg="experience_id")
def remove_voice(experience: Experience):
    dbs = db.session()
    media.commit(dbs, recordings.remove(dbs, experience))
    return _after_media_change(experience, "voice", None)


@bp.post("/<int:experience_id>/send")
@policy.guard("experience.edit", arg="experience_id")
def send(experience: Experience):
    try:
        experiences.send_to_check(experience)
    except ExperienceError as problem:
        db.session().rollback()
        return _render_step(experience, "send", problem.message, status=400)
    db.session().commit()
    return hx.redirect_to(url_for("experiences.sent", experience_id=experience.id))


@bp.get("/<int:experience_id>/sent")
@policy.guard("experience.view", arg="experience_id")
def sent(experience: Experience):
    if experience.status != ExperienceStatus.WAITING.value:  # an old link to a draft or a shared entry
        return redirect(url_for("experiences.show", experience_id=experience.id))
    return render_template("experiences/sent.html", experience=experience,
                           checker=experiences.checker_for(experience.learner))


def _photos_allowed(experience: Experience) -> bool:
    family_consent = consent.allows(db.session(), experience.learner, consent.ConsentUse.WITH_FAMILY)
    return policy.can_see_photos(current_user, family_consent)


def _show_context(experience: Experience, after: str | None = None) -> dict:
    """What the entry page shows this viewer: the parts policy lets them see, at their size, with
    one page of the comments (``after`` names where a later page starts)."""
    viewer = current_user.role_enum
    return {
        "experience": experience,
        "comments": comments.visible_page(db.session(), current_user, experience, after),
        "show_photos": _photos_allowed(experience),
        "size": "learner" if viewer is Role.LEARNER else "standard",
    }


@bp.get("/<int:experience_id>")
@policy.guard("experience.view", arg="experience_id")
def show(experience: Experience):
    try:
        context = _show_context(experience, request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    return hx.render("experiences/show.html", "experiences/_comments_page.html", "comment-list", **context)


@bp.get("/<int:experience_id>/photos/<int:photo_id>/<size>")
@policy.guard("experience.view", arg="experience_id")
def photo(experience: Experience, photo_id: int, size: str):
    if size not in {"display", "thumb"} or not _photos_allowed(experience):
        abort(404)
    try:
        found = experiences.find_photo(experience, photo_id)
    except ExperienceError:
        abort(404)
    return media.send_media(found.display if size == "display" else found.thumb)


@bp.get("/<int:experience_id>/voice")
@policy.guard("experience.view", arg="experience_id")
def voice(experience: Experience):
    return media.send_media(experience.voice)


@bp.get("/<int:experience_id>/edit")
@policy.guard("experience.check", arg="experience_id")
def edit(experience: Experience):
    return _render_edit(experience)


@bp.post("/<int:experience_id>/details")
@policy.guard("experience.check", arg="experience_id")
def details(experience: Experience):
    try:
        if request.form.get("help_level"):
            experiences.set_help_level(experience, request.form["help_level"])
        if "staff_note" in request.form:
            experiences.set_staff_note(experience, request.form.get("staff_note", ""))
    except ExperienceError as problem:
        db.session().rollback()
        return _render_edit(experience, errors={"details": problem.message}, status=400)
    db.session().commit()
    return redirect(_edit_url(experience, "details").replace("#step-details", "#details"))


@bp.post("/<int:experience_id>/check")
@policy.guard("experience.check", arg="experience_id")
def check(experience: Experience):
    decision = request.form.get("decision")
    try:
        if decision == "approve":
            experiences.approve(experience, current_user, request.form.get("help_level", ""))
        elif decision == "send-back":
            experiences.send_back(experience, current_user, request.form.get("note", ""),
                                  request.form.get("note_text", ""))
        else:
            raise ExperienceError("Please choose share or send back.")
    except ExperienceError as problem:
        db.session().rollback()
        return _render_edit(experience, errors={"check": problem.message}, status=400)
    db.session().commit()
    return hx.redirect_to(url_for("staff.to_check", done=experience.id))


@bp.route("/<int:experience_id>/caption-symbol", methods=["GET", "POST"])
@policy.guard("experience.check", arg="experience_id")
def caption_symbol(experience: Experience):
    word = request.values.get("word", "")
    if request.method == "POST":
        reference = request.form.get("symbol")
        try:
            if reference and not _known_symbol(experience, reference):
                raise ExperienceError("Please choose one of the symbols shown.")
            experiences.set_caption_symbol(experience, word, reference if reference != "none" else "")
        except ExperienceError as problem:
            db.session().rollback()
            return render_template("experiences/caption_symbol.html", experience=experience, word=word,
                                   results=[], query="", error=problem.message), 400
        db.session().commit()
        return redirect(_edit_url(experience, "words"))
    query = request.args.get("q", "") or vocabulary.normalise_word(word)
    return render_template("experiences/caption_symbol.html", experience=experience, word=word, query=query,
                           results=_symbol_results(experience, query), error=None)


def _symbol_results(experience: Experience, query: str) -> list:
    """The school's own symbols, the vocabulary and all of OpenMoji, best first (``symbols.service``)."""
    from portfolio.symbols import service as school_symbols

    return school_symbols.find_symbols(db.session(), experience.school_id, query, limit=24)


def _known_symbol(experience: Experience, reference: str) -> bool:
    from portfolio.symbols import service as school_symbols

    return reference == "none" or school_symbols.is_known(db.session(), experience.school_id, reference)


@bp.post("/<int:experience_id>/comments")
@policy.guard("experience.comment", arg="experience_id")
def add_comment(experience: Experience):
    dbs = db.session()
    upload = request.files.get("voice")
    data = upload.read() if upload is not None else b""
    try:
        _, change = comments.add(dbs, media_store(), experience, current_user, request.form.get("text", ""), data,
                                 max_seconds=current_app.config["MAX_VOICE_SECONDS"])
    except KindError as problem:
        dbs.rollback()
        return render_template("experiences/show.html", **_show_context(experience),
                               comment_error=problem.message, comment_text=request.form.get("text", "")), 400
    media.commit(dbs, change)
    return redirect(url_for("experiences.show", experience_id=experience.id, _anchor="comments"))


@bp.get("/<int:experience_id>/comments/<int:comment_id>/voice")
@policy.guard("experience.view", arg="experience_id")
def comment_voice(experience: Experience, comment_id: int):
    found = comments.find_visible(current_user, experience, comment_id)
    if found is None:
        abort(404)
    return media.send_media(found.voice)


@bp.post("/<int:experience_id>/comments/<int:comment_id>/pass-on")
@policy.guard("experience.check", arg="experience_id")
def pass_on(experience: Experience, comment_id: int):
    if not comments.pass_on(experience, comment_id, current_user):
        abort(404)
    db.session().commit()
    return redirect(url_for("experiences.show", experience_id=experience.id, _anchor="comments"))

