"""A tablet sending its queue through HTTP: CSRF, every fixture file, retries, and who may send."""
from __future__ import annotations

import io
import json
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.media.storage import LocalMediaStore, media_store
from portfolio.models import Experience, ExperienceStatus, SyncKey, User
from portfolio.offline import sync
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import World
from tests.media_fixtures import fixture_bytes, stored_keys

MEDIA_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.name not in {"README.md", "hostile_text.json"})
ACCEPTED_PHOTOS = {"photo_sideways_gps.jpg", "photo_upright.heic", "photo_small.png", "photo_transparent.webp"}
ACCEPTED_VOICES = {"voice_chrome.webm", "voice_safari.m4a"}


class Tablet:
    """A signed-in tablet that sends the way offline-queue.js does: a fresh token first, then JSON."""

    def __init__(self, app: Flask, user: User, learner: User) -> None:
        self.client: FlaskClient = app.test_client()
        sign_in_as(self.client, user)
        ready = self.client.get(f"/sync/{learner.id}")
        assert ready.status_code == 200, ready.get_data(as_text=True)[:300]
        self.ready = ready.get_json()
        self.base = self.ready["entries"]

    def post(self, url: str, data: dict) -> tuple[int, dict]:
        response = self.client.post(url, data=data, headers={"X-CSRFToken": self.ready["csrf_token"]},
                                    content_type="multipart/form-data")
        assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
        return response.status_code, response.get_json()

    def entry(self, key: str, **choices: object) -> tuple[int, dict]:
        return self.post(self.base, {"key": key, "kind": "placement", "place": "farm", "did": ["water-plants"],
                                     "feeling": "feeling-liked", "made_on": "2026-11-20", **choices})

    def photo(self, entry_key: str, key: str, data: bytes) -> tuple[int, dict]:
        return self.post(f"{self.base}/{entry_key}/photos", {"key": key, "photo": (io.BytesIO(data), "photo.jpg")})

    def voice(self, entry_key: str, key: str, data: bytes) -> tuple[int, dict]:
        return self.post(f"{self.base}/{entry_key}/voice", {"key": key, "voice": (io.BytesIO(data), "voice.webm")})

    def send(self, entry_key: str, key: str) -> tuple[int, dict]:
        return self.post(f"{self.base}/{entry_key}/send", {"key": key})


def _key() -> str:
    return str(uuid.uuid4())


def _experiences(app: Flask, learner_id: int) -> list[Experience]:
    with app.app_context():
        found = db.session().scalars(select(Experience).where(Experience.learner_id == learner_id)).all()
        for entry in found:
            _ = (entry.photos, entry.voice, entry.tags)
        return list(found)


def test_the_ready_answer_gives_a_token_and_the_owner_name_the_pages_carry(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    assert tablet.ready["owner"] == sync.queue_owner(app.config["SECRET_KEY"], world.learner.id)
    assert tablet.ready["csrf_token"] and tablet.base == f"/sync/{world.learner.id}/entries"


def test_a_step_without_the_csrf_token_is_refused(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    response = tablet.client.post(tablet.base, data={"key": _key(), "kind": "placement"})
    assert response.status_code == 400
    assert _experiences(app, world.learner.id) == []


def test_a_whole_entry_arrives_once_however_often_each_step_is_sent(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    entry_key, photo_key, voice_key, send_key = _key(), _key(), _key(), _key()
    for _ in range(2):  # a lost answer: the tablet sends every step again
        assert tablet.entry(entry_key)[0] == 200
        status, photo = tablet.photo(entry_key, photo_key, fixture_bytes("photo_small.png"))
        assert status == 200 and photo["photo_id"]
        assert tablet.voice(entry_key, voice_key, fixture_bytes("voice_chrome.webm"))[0] == 200
        status, sent = tablet.send(entry_key, send_key)
        assert status == 200
    assert sent["repeated"] is True
    [entry] = _experiences(app, world.learner.id)
    assert entry.status == ExperienceStatus.WAITING.value
    assert [p.id for p in entry.photos] == [photo["photo_id"]] and entry.voice is not None
    assert (entry.kind, entry.place_symbol, entry.feeling) == ("placement", "farm", "feeling-liked")
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(SyncKey)) == 4


def test_a_photo_sent_before_its_entry_is_refused_without_a_500(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    status, body = tablet.photo(_key(), _key(), fixture_bytes("photo_small.png"))
    assert status == 400 and "not arrived" in body["refused"]


def test_a_bad_choice_is_refused_in_words(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    status, body = tablet.entry(_key(), kind="rocket")
    assert status == 400 and body["refused"] == "Please choose one of the pictures."
    assert _experiences(app, world.learner.id) == []


@pytest.mark.parametrize("name", MEDIA_FIXTURES)
def test_every_fixture_as_a_photo_is_kept_or_refused_in_words(app: Flask, world: World, name: str) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    entry_key = _key()
    tablet.entry(entry_key)
    status, body = tablet.photo(entry_key, _key(), fixture_bytes(name))
    [entry] = _experiences(app, world.learner.id)
    with app.app_context():
        store = media_store()
        assert isinstance(store, LocalMediaStore)
        kept = stored_keys(store, f"photos/{world.learner.school_id}")
    if name in ACCEPTED_PHOTOS:
        assert status == 200 and len(entry.photos) == 1 and len(kept) == 2
    else:
        assert status == 400 and body["refused"] and entry.photos == [] and kept == []
        assert body["refused"] in entry.staff_note  # staff see what was left out, in the same words


@pytest.mark.parametrize("name", MEDIA_FIXTURES)
def test_every_fixture_as_the_voice_is_kept_or_refused_in_words(app: Flask, world: World, name: str) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    entry_key = _key()
    tablet.entry(entry_key)
    status, body = tablet.voice(entry_key, _key(), fixture_bytes(name))
    [entry] = _experiences(app, world.learner.id)
    if name in ACCEPTED_VOICES:
        assert status == 200 and entry.voice is not None
    else:
        assert status == 400 and body["refused"] and entry.voice is None
        assert "the voice recording was not taken" in entry.staff_note


def test_a_ta_sends_a_learners_entry_and_another_learner_cannot(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.ta, world.learner)
    assert tablet.entry(_key())[0] == 200
    [entry] = _experiences(app, world.learner.id)
    assert entry.created_by_id == world.ta.id
    other = app.test_client()
    sign_in_as(other, world.other_learner)
    assert other.get(f"/sync/{world.learner.id}").status_code == 403


def test_the_queue_steps_answer_json_not_pages(app: Flask, world: World) -> None:
    tablet = Tablet(app, world.learner, world.learner)
    response = tablet.client.post(tablet.base, data={"key": "nope", "kind": "placement"},
                                  headers={"X-CSRFToken": tablet.ready["csrf_token"]})
    assert response.status_code == 400
    assert json.loads(response.get_data(as_text=True))["refused"]
