"""Annual review packs: staff prepare, edit, leave out and finalise; final packs print and download."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio import db
from portfolio.jobs import queue as job_queue
from portfolio.jobs import service as jobs
from portfolio.media import serving as media
from portfolio.media.changes import MediaChange
from portfolio.media.storage import media_store
from portfolio.models import MediaFile, ReviewPack, User
from portfolio.reviews import service as annual_review
from portfolio.reviews.service import ReviewError
from portfolio.web import policy
from portfolio.web.forms import form_ids

bp = Blueprint("reviews", __name__)


def _pack_or_404(learner: User, pack_id: int) -> ReviewPack:
    pack = annual_review.find(db.session(), learner, pack_id)
    if pack is None or not policy.can_see_review_pack(policy.actor(), pack):
        abort(404)
    return pack


def _audio_links(pack: ReviewPack, document: dict) -> dict[int, tuple[str, str]]:
    """media id -> (link, QR code PNG) for each recording in a final pack."""
    if not pack.is_final:
        return {}
    links = {}
    for media_id in sorted(annual_review.recording_ids(document)):
        token = annual_review.audio_token(current_app.config["SECRET_KEY"], pack, media_id)
        link = url_for("reviews.audio", token=token, _external=True)
        links[media_id] = (link, segno.make(link, error="m").png_data_uri(scale=3, border=2))
    return links


@bp.route("/learners/<int:learner_id>/reviews", methods=["GET", "POST"])
@policy.guard("review.manage", arg="learner_id")
def packs(learner: User):
    dbs = db.session()
    error = None
    if request.method == "POST":
        try:
            pack = annual_review.create(dbs, learner, current_user, request.form.get("date_from", ""),
                                        request.form.get("date_to", ""))
        except ReviewError as problem:
            dbs.rollback()
            error = problem.message
        else:
            dbs.commit()
            return redirect(url_for("reviews.pack", learner_id=learner.id, pack_id=pack.id))
    start, end = annual_review.default_range(dbs, learner)
    return render_template("reviews/packs.html", learner=learner, packs=annual_review.packs_for(dbs, learner),
                           start=start, end=end, error=error), (400 if error else 200)


@bp.get("/learners/<int:learner_id>/reviews/<int:pack_id>")
@policy.guard("review.view", arg="learner_id")
def pack(learner: User, pack_id: int):
    return _render_pack(learner, _pack_or_404(learner, pack_id))


def _render_pack(learner: User, found: ReviewPack, error: str | None = None, status: int = 200):
    document = annual_review.build(db.session(), found)
    return render_template("reviews/pack.html", learner=learner, pack=found, doc=document, error=error,
                           can_manage=policy.allows(policy.actor(), "review.manage", learner),
                           audio=_audio_links(found, document)), status


@bp.post("/learners/<int:learner_id>/reviews/<int:pack_id>/edit")
@policy.guard("review.manage", arg="learner_id")
def edit(learner: User, pack_id: int):
    found = _pack_or_404(learner, pack_id)
    left_out = form_ids(request.form.getlist("left_out"))
    try:
        annual_review.update(found, request.form, left_out)
    except ReviewError as problem:
        db.session().rollback()
        return _render_pack(learner, _pack_or_404(learner, pack_id), error=problem.message, status=400)
    db.session().commit()
    return redirect(url_for("reviews.pack", learner_id=learner.id, pack_id=found.id, _anchor="edit-pack"))


@bp.post("/learners/<int:learner_id>/reviews/<int:pack_id>/finalise")
@policy.guard("review.manage", arg="learner_id")
def finalise(learner: User, pack_id: int):
    found = _pack_or_404(learner, pack_id)
    dbs = db.session()
    if found.is_final:  # a second tap on Finalise
        return redirect(url_for("reviews.pack", learner_id=learner.id, pack_id=found.id))
    written = annual_review.finalise(dbs, media_store(), found, current_user)
    media.commit(dbs, MediaChange(written=written))
    return redirect(url_for("reviews.pack", learner_id=learner.id, pack_id=found.id))


@bp.get("/learners/<int:learner_id>/reviews/<int:pack_id>/media/<int:media_id>")
@policy.guard("review.view", arg="learner_id")
def pack_media(learner: User, pack_id: int, media_id: int):
    found = _pack_or_404(learner, pack_id)
    document = annual_review.build(db.session(), found)
    if media_id not in annual_review.media_ids(document):
        abort(404)
    return media.send_media(db.session().get(MediaFile, media_id))


@bp.post("/learners/<int:learner_id>/reviews/<int:pack_id>/pdf")
@policy.guard("review.view", arg="learner_id")
def pdf(learner: User, pack_id: int):
    """Start making the PDF and show its progress page: a long pack with photos takes a while."""
    found = _pack_or_404(learner, pack_id)
    links = {str(media_id): link for media_id, (link, _qr) in _audio_links(found, annual_review.build(
        db.session(), found)).items()}
    dbs = db.session()
    job = jobs.create(dbs, "review-pdf", policy.actor(), learner_id=learner.id,
                      arguments={"pack_id": found.id, "audio": links})
    dbs.commit()
    job_queue.submit(job.id)
    return redirect(url_for("jobs.job_page", job_id=job.id), code=303)


@bp.get("/review-audio/<token>")
@policy.public
def audio(token: str):
    """A QR code on a printed pack: plays one recording from a final pack until the link expires."""
    read = annual_review.read_audio_token(current_app.config["SECRET_KEY"], token,
                                          current_app.config["REVIEW_AUDIO_DAYS"])
    found = annual_review.recording_in_final_pack(db.session(), *read) if read else None
    if found is None:
        return render_template("reviews/audio_gone.html"), 410
    response = media.send_media(found)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
