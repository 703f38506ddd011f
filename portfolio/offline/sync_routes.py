"""The page for making an entry with no Wi-Fi, and the routes a tablet sends it through later.

``/offline/entry`` is one page for everyone: the service worker keeps it in a cache every learner on
the tablet shares, so it carries no name, no token and nothing about anyone. The entry made there
waits on the tablet, filed under the opaque owner name the signed-in pages carry
(``<meta name="queue-owner">``), and is sent through ``/sync/...`` once there is a network and that
learner is signed in again. Each ``/sync`` step answers in JSON for ``offline-queue.js``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from portfolio import db
from portfolio.errors import KindError
from portfolio.media import serving as media
from portfolio.media.storage import media_store
from portfolio.models import Role, User
from portfolio.offline import sync
from portfolio.web import policy

bp = Blueprint("sync", __name__)


def offer_queue_for(learner: User) -> None:
    """A staff page about one learner: if this adult may make the learner's entries, the page opens
    that learner's queue, so an entry a TA makes for them with no Wi-Fi is kept and sent as theirs."""
    if policy.allows(policy.actor(), "sync.send", learner):
        g.queue_learner = learner


@bp.app_context_processor
def _queue_owner() -> dict[str, Any]:
    """Whose queue a signed-in page opens, by an opaque name: a learner's own pages open theirs, and
    a staff page about a learner (``offer_queue_for``) opens that learner's, with their first name so
    the adult sees on the offline entry page whom the entry is for."""
    closed = {"queue_owner": None, "queue_sync_url": None, "queue_key": None, "queue_for": None}
    if not has_request_context() or not current_user.is_authenticated:
        return closed
    if current_user.role_enum is Role.LEARNER:
        learner, named = current_user, None
    elif g.get("queue_learner") is not None:
        learner = g.queue_learner
        named = learner.first_name
    else:
        return closed
    secret = current_app.config["SECRET_KEY"]
    return {"queue_owner": sync.queue_owner(secret, learner.id),
            "queue_sync_url": url_for("sync.ready", learner_id=learner.id),
            "queue_key": sync.queue_key(secret, learner.id), "queue_for": named}


def _refused(message: str) -> tuple[Response, int]:
    return jsonify({"refused": message}), 400


def _answer(arrived: sync.Arrived) -> tuple[Response, int]:
    """Commit what the step made (and any refusal staff should see), then answer the tablet."""
    media.commit(db.session(), arrived.change)
    return jsonify(arrived.as_json()), 400 if arrived.refused else 200


def _arrive(receive: Callable[[], sync.Arrived]) -> tuple[Response, int]:
    """Run one step of a queued entry: its answer, or the refusal in words (and nothing kept)."""
    try:
        arrived = receive()
    except KindError as problem:
        db.session().rollback()
        return _refused(problem.message)
    return _answer(arrived)


def _upload(field: str) -> bytes:
    found = request.files.get(field)
    return found.read() if found is not None else b""


@bp.get("/offline/entry")
@policy.public
def offline_entry():
    return render_template("offline/entry.html", choices=sync.entry_choices())


@bp.get("/sync/<int:learner_id>")
@policy.guard("sync.send", arg="learner_id")
def ready(learner: User):
    """A fresh CSRF token and the owner name, fetched as a sync starts (the page may be hours old)."""
    return jsonify({"csrf_token": generate_csrf(),
                    "owner": sync.queue_owner(current_app.config["SECRET_KEY"], learner.id),
                    "entries": url_for("sync.entry", learner_id=learner.id)})


@bp.post("/sync/<int:learner_id>/entries")
@policy.guard("sync.send", arg="learner_id")
def entry(learner: User):
    form = request.form
    made = sync.OfflineEntry(kind=form.get("kind", ""), place=form.get("place", ""), did=form.getlist("did"),
                             feeling=form.get("feeling", ""), made_on=form.get("made_on", ""))
    return _arrive(lambda: sync.receive_entry(db.session(), learner, policy.actor(), form.get("key", ""), made,
                                              today=date.today()))


@bp.post("/sync/<int:learner_id>/entries/<entry_key>/photos")
@policy.guard("sync.send", arg="learner_id")
def photo(learner: User, entry_key: str):
    return _arrive(lambda: sync.receive_photo(db.session(), media_store(), learner, policy.actor(), entry_key,
                                              request.form.get("key", ""), _upload("photo"),
                                              max_bytes=current_app.config["MAX_PHOTO_BYTES"]))


@bp.post("/sync/<int:learner_id>/entries/<entry_key>/voice")
@policy.guard("sync.send", arg="learner_id")
def voice(learner: User, entry_key: str):
    return _arrive(lambda: sync.receive_voice(db.session(), media_store(), learner, policy.actor(), entry_key,
                                              request.form.get("key", ""), _upload("voice"),
                                              max_seconds=current_app.config["MAX_VOICE_SECONDS"]))


@bp.post("/sync/<int:learner_id>/entries/<entry_key>/send")
@policy.guard("sync.send", arg="learner_id")
def send(learner: User, entry_key: str):
    return _arrive(lambda: sync.receive_send(db.session(), learner, policy.actor(), entry_key,
                                             request.form.get("key", "")))
