"""Access-matrix cases for entries made with no Wi-Fi and sent later.

The offline entry page is one public page for everyone. Every /sync step is for whoever may make
the learner's entries: the learner and the staff who support them. Each step is sent with the same
key by every actor in turn, so the first allowed one does it and the others get its answer back.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.models import User
from portfolio.offline import sync
from tests.factories import Entries, World
from tests.media_fixtures import fixture_bytes
from tests.web.policy_matrix import EDIT, Case, everyone

ENTRY_KEY = "0f8e2c1a-5b7d-4e3f-9a6b-1c2d3e4f5a6b"
STEP_KEY = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    """Sam's entry has already arrived under ``ENTRY_KEY``, so its photo, voice and Send can follow."""
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        assert learner is not None
        sync.receive_entry(session, learner, learner, ENTRY_KEY, sync.OfflineEntry(kind="visit"), date(2026, 11, 23))
        session.commit()
    return {}


def _steps(w: World, step: str) -> str:
    return f"/sync/{w.learner.id}/entries/{ENTRY_KEY}/{step}"


CASES = [
    Case("sync.offline_entry", "GET", lambda w: "/offline/entry", everyone(200)),
    Case("sync.ready", "GET", lambda w: f"/sync/{w.learner.id}", EDIT),
    Case("sync.entry", "POST", lambda w: f"/sync/{w.learner.id}/entries", EDIT,
         data=lambda w: {"key": STEP_KEY, "kind": "placement"}),
    Case("sync.photo", "POST", lambda w: _steps(w, "photos"), EDIT,
         data=lambda w: {"key": STEP_KEY, "photo": (io.BytesIO(fixture_bytes("photo_small.png")), "photo.png")}),
    Case("sync.voice", "POST", lambda w: _steps(w, "voice"), EDIT,
         data=lambda w: {"key": STEP_KEY, "voice": (io.BytesIO(fixture_bytes("voice_chrome.webm")), "voice.webm")}),
    Case("sync.send", "POST", lambda w: _steps(w, "send"), EDIT, data=lambda w: {"key": STEP_KEY}),
]
