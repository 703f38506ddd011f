"""The learner's short way through an entry: one-answer taps that move on, known steps skipped, the
step strip, Send naming what is missing, and drafts reopening where an answer is still needed."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.models import Experience, ExperienceKind, User
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import World

DAY = date(2026, 11, 23)


@pytest.fixture
def ctx(app: Flask, world: World):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


def _learner(session, world: World) -> User:  # type: ignore[no-untyped-def]
    found = session.get(User, world.learner.id)
    assert found is not None
    return found


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _start(client: FlaskClient, learner: User) -> tuple[int, str]:
    response = client.post(f"/experiences/start/{learner.id}")
    assert response.status_code == 302
    location = response.headers["Location"]
    found = re.search(r"/experiences/(\d+)/steps/(\w+)$", location)
    assert found, location
    return int(found.group(1)), found.group(2)


def _entry(app: Flask, entry_id: int) -> Experience:
    with app.app_context():
        found = db.session().get(Experience, entry_id)
        assert found is not None
        _ = (found.tags, found.photos, found.voice)
        return found


def _goes_to(response, key: str) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response.headers["Location"].endswith(f"/steps/{key}")


# The service on its own

def test_a_new_entry_is_dated_the_day_it_is_made_and_skips_when(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(ctx, world)
    entry = experiences.start(ctx, learner, learner, DAY)
    assert (entry.start_date, entry.end_date) == (DAY, None)
    assert experiences.path_for(entry, DAY) == ("kind", "place", "photos", "did", "feeling", "voice")
    # Opened again the next day, the day is no longer "today", so the learner is asked
    assert "date" in experiences.path_for(entry, DAY + timedelta(days=1))
    experiences.set_dates(entry, "yesterday", today=DAY)
    assert experiences.path_for(entry, DAY) == experiences.MAIN_STEP_KEYS


def test_the_school_cafe_fills_in_its_place_and_skips_it(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(ctx, world)
    entry = experiences.start(ctx, learner, learner, DAY)
    experiences.set_kind(entry, ExperienceKind.ENTERPRISE.value)
    assert (entry.place, entry.place_symbol) == (experiences.SCHOOL_CAFE_PLACE, "cafe")
    assert experiences.path_for(entry, DAY) == ("kind", "photos", "did", "feeling", "voice")
    # Another kind takes the filled-in place away again, so the place is asked for
    experiences.set_kind(entry, ExperienceKind.VISIT.value)
    assert (entry.place, entry.place_symbol) == ("", None)
    assert "place" in experiences.path_for(entry, DAY)
    # A place the learner gave is never overwritten
    experiences.set_place(entry, "farm", None)
    experiences.set_kind(entry, ExperienceKind.ENTERPRISE.value)
    assert (entry.place, entry.place_symbol) == ("Farm", "farm")


def test_neighbours_follow_the_way_through() -> None:
    path = ("kind", "place", "photos", "did", "feeling", "voice")
    assert experiences.neighbours("kind", path) == (None, "place")
    assert experiences.neighbours("feeling", path) == ("did", "voice")
    assert experiences.neighbours("voice", path) == ("feeling", None)
    # "When" was skipped, but reached from the strip it sits between its neighbours on the way
    assert experiences.neighbours("date", path) == ("place", "photos")
    # An extra comes back to the last step, where Send is; "Check and send" goes back there too
    for extra in experiences.EXTRA_STEP_KEYS:
        assert experiences.neighbours(extra, path) == ("voice", "voice")
    assert experiences.neighbours("send", path) == ("voice", None)


def test_one_answer_steps_and_photos_move_on_by_themselves() -> None:
    for key in ("kind", "place", "date", "feeling", "job", "photos"):
        assert experiences.advances_by_itself(key), key
    for key in ("did", "skills", "words", "voice", "send"):
        assert not experiences.advances_by_itself(key), key


def test_a_draft_reopens_at_its_first_unanswered_required_step(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(ctx, world)
    entry = experiences.start(ctx, learner, learner, DAY)
    experiences.remember_step(entry, "feeling")
    assert experiences.resume_step(entry) == "kind"
    assert not experiences.answered(entry, "kind") and not experiences.answered(entry, "place")
    assert experiences.answered(entry, "date")  # dated the day it was made
    experiences.set_kind(entry, "visit")
    assert experiences.resume_step(entry) == "feeling"


def test_send_names_the_missing_step(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(ctx, world)
    entry = experiences.start(ctx, learner, learner, DAY)
    missing = experiences.missing_for_sending(entry)
    assert [item.key for item in missing] == ["kind"]
    sentence, button = experiences.missing_text(missing[0])
    with pytest.raises(experiences.ExperienceError) as refused:
        experiences.send_to_check(entry)
    assert refused.value.message == sentence == "Please choose what you did first."
    assert button == "Choose what you did"
    experiences.set_kind(entry, "visit")
    assert experiences.missing_for_sending(entry) == []


# Through HTTP

def test_the_short_path_moves_on_after_each_answer(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, first = _start(client, world.learner)
    assert first == "kind"
    base = f"/experiences/{entry_id}/steps"
    assert _goes_to(client.post(f"{base}/kind", data={"choose": "placement"}), "place")
    assert _goes_to(client.post(f"{base}/place", data={"choose": "garden-centre"}), "photos")  # today: no "When"
    # "When", reached from the strip, moves on by itself too
    assert _goes_to(client.post(f"{base}/date", data={"choose": "yesterday"}), "photos")
    assert _goes_to(client.post(f"{base}/place", data={"go": "next"}), "date")  # not today: now on the way
    assert _goes_to(client.post(f"{base}/date", data={"choose": "today"}), "photos")
    photo = (FIXTURES / "photo_small.png").read_bytes()
    assert _goes_to(client.post(f"/experiences/{entry_id}/photos", data={"photo": (io.BytesIO(photo), "a.png")}), "did")
    stays = client.post(f"{base}/did", data={"toggle": "water-plants:on"})
    assert _goes_to(stays, "did")  # several answers: wait for Done
    assert _goes_to(client.post(f"{base}/did", data={"go": "next"}), "feeling")
    assert _goes_to(client.post(f"{base}/feeling", data={"choose": "feeling-loved"}), "voice")
    assert _goes_to(client.post(f"{base}/job", data={"choose": "yes"}), "voice")  # an extra goes back to Send
    with_htmx = client.post(f"{base}/feeling", data={"choose": "feeling-liked"},
                            headers={"HX-Request": "true", "HX-Target": "step-feeling"})
    assert with_htmx.status_code == 204 and with_htmx.headers["HX-Redirect"].endswith(f"{base}/voice")
    entry = _entry(no_csrf, entry_id)
    assert (entry.kind, entry.place_symbol, entry.feeling, entry.would_like) == (
        "placement", "garden-centre", "feeling-liked", "yes")
    assert entry.start_date == date.today() and len(entry.photos) == 1


def test_the_school_cafe_goes_straight_to_photos(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    assert _goes_to(client.post(f"/experiences/{entry_id}/steps/kind", data={"choose": "enterprise"}), "photos")
    assert _entry(no_csrf, entry_id).place == experiences.SCHOOL_CAFE_PLACE


def test_step_pages_say_where_the_learner_is(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    base = f"/experiences/{entry_id}/steps"
    place = client.get(f"{base}/place").get_data(as_text=True)
    assert 'data-announce="Step 2 of 6: Where did you go?"' in place
    assert 'data-step-question="Where did you go?"' in place
    assert re.search(r'id="step-next"[^>]*>.*?Next</span>', place, re.DOTALL)
    did = client.get(f"{base}/did").get_data(as_text=True)
    assert re.search(r'id="step-next"[^>]*>.*?Done</span>', did, re.DOTALL)
    voice = client.get(f"{base}/voice").get_data(as_text=True)
    assert 'id="step-send-now"' in voice and 'id="step-next"' not in voice
    assert "data-keep-on-stop" in voice
    for key in experiences.EXTRA_STEP_KEYS + ("send",):
        assert f'href="/experiences/{entry_id}/steps/{key}" id="more-{key}"' in voice, key
    skills = client.get(f"{base}/skills").get_data(as_text=True)
    assert "This is not a must." in skills


def test_the_strip_jumps_and_keeps_what_the_form_held(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    base = f"/experiences/{entry_id}/steps"
    page = client.get(f"{base}/place").get_data(as_text=True)
    for key in experiences.FLOW_KEYS:
        button = re.search(rf'<button[^>]*id="jump-{key}"[^>]*>', page)
        assert button, key
        assert 'form="form-place"' in button.group(0) and f'value="{key}"' in button.group(0)
    jump = client.post(f"{base}/place", data={"place": "Hill Top Farm", "go": "date"})
    assert _goes_to(jump, "date")
    assert _entry(no_csrf, entry_id).place == "Hill Top Farm"


def test_the_strip_shades_only_answered_steps(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    page = client.get(f"/experiences/{entry_id}/steps/feeling").get_data(as_text=True)
    items = {key: classes for classes, key in re.findall(r'<li class="step-item([^"]*)">\s*<button[^>]*id="jump-(\w+)"', page)}
    assert sorted(items) == sorted(experiences.FLOW_KEYS)
    assert "done" not in items["kind"] and "missing" in items["kind"]
    assert "done" not in items["place"] and "done" not in items["photos"]
    assert "current" in items["feeling"]
    assert "done" in items["date"]
    assert re.search(r'id="jump-date"[^>]*>.*?<span class="step-label">Today</span>', page, re.DOTALL)


def test_send_too_early_names_the_step_with_a_button_to_it(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    go_there = f'href="/experiences/{entry_id}/steps/kind" id="go-missing-kind"'
    screen = client.get(f"/experiences/{entry_id}/steps/send").get_data(as_text=True)
    assert "Please choose what you did first." in screen and go_there in screen
    refused = client.post(f"/experiences/{entry_id}/send")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'role="alert"' in html and "Please choose what you did first." in html and go_there in html
    assert _entry(no_csrf, entry_id).status == "draft"


def test_add_and_carry_on_reopen_an_untouched_draft_at_the_kind(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    client.get(f"/experiences/{entry_id}/steps/photos")  # looked further on without choosing anything
    assert _entry(no_csrf, entry_id).step == "photos"
    again, key = _start(client, world.learner)
    assert (again, key) == (entry_id, "kind")
    assert client.get("/experiences/continue").headers["Location"].endswith(f"/experiences/{entry_id}/steps/kind")
    shown = client.get(f"/experiences/{entry_id}").get_data(as_text=True)
    assert f'href="/experiences/{entry_id}/steps/kind" id="change-entry"' in shown
    client.post(f"/experiences/{entry_id}/steps/kind", data={"choose": "visit"})
    client.get(f"/experiences/{entry_id}/steps/feeling")
    assert client.get("/experiences/continue").headers["Location"].endswith(f"/experiences/{entry_id}/steps/feeling")


def test_the_photo_step_offers_the_camera_and_the_library(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    entry_id, _ = _start(client, world.learner)
    html = client.get(f"/experiences/{entry_id}/steps/photos").get_data(as_text=True)
    camera = re.search(rf'<input[^>]*id="photo-camera-{entry_id}"[^>]*>', html)
    library = re.search(rf'<input[^>]*id="photo-input-{entry_id}"[^>]*>', html)
    assert camera and 'capture="environment"' in camera.group(0) and 'accept="image/*"' in camera.group(0)
    assert library and "capture" not in library.group(0) and "multiple" in library.group(0)
    assert ">Take a photo</span>" in html and ">Choose a photo</span>" in html
    assert 'id="add-photo"' in html  # the Add button for browsers without script
