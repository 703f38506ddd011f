"""Employer feedback through its routes: staff make a link and card, an employer with no account
sends and changes feedback until staff read it, staff check it, and the learner then sees it
on their entry. Broken, stopped and expired links, floods, hostile words and hostile files
all get a kind answer and leave nothing behind."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.media.storage import media_store
from portfolio.models import (
    ActivityParticipant,
    EmployerFeedback,
    FeedbackAccess,
    MediaFile,
    User,
    utcnow,
)
from tests.conftest import sign_in_as
from tests.factories import World, make_experience
from tests.feedback.helpers import make_participant
from tests.media_fixtures import FIXTURES
from tests.web.page_checks import names_in_public_speech

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
NAMES = ("Sam", "Patel", "Riverside", "Green Fingers")


@pytest.fixture
def participant_id(app: Flask, world: World) -> int:
    with app.app_context():
        session = db.session()
        participant = make_participant(session, session.get(User, world.learner.id))
        session.commit()
        return participant.id


@pytest.fixture
def staff(app: Flask, world: World, no_csrf: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, world.ta)
    return client


def make_link(staff: FlaskClient, participant_id: int) -> str:
    """Make a link through the staff route and read its path off the card page shown once."""
    made = staff.post(f"/feedback/participants/{participant_id}/link")
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/participants/{participant_id}/card")
    shown = staff.get(made.headers["Location"])
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    found = re.search(r'id="feedback-url" type="text" value="http://localhost(/feedback/f/[^"]+)"', html)
    assert found, "the link was not shown"
    assert 'src="data:image/png;base64,' in html and "Tell us how Sam got on" in html
    return found.group(1)


def _send(client: FlaskClient, path: str, **form: object):  # type: ignore[no-untyped-def]
    data = {"author_name": "Jo", "skill-skill-teamwork": "3", "skill-skill-timekeeping": "1",
            "went_well": "Sam watered every plant.", "work_on": "Asking for help.", "offer_again": "yes"}
    data.update(form)
    return client.post(path, data=data, headers={"User-Agent": PHONE}, content_type="multipart/form-data")


def _stored(app: Flask) -> EmployerFeedback:
    with app.app_context():
        session = db.session()
        found = session.scalars(select(EmployerFeedback).order_by(EmployerFeedback.id.desc())).first()
        assert found is not None
        session.expunge(found)
        return found


def _media_count(app: Flask) -> tuple[int, int]:
    with app.app_context():
        root = media_store().root
        files = sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0
        return files, db.session().scalar(select(func.count(MediaFile.id))) or 0


def test_the_link_is_shown_once_and_the_form_opens_without_an_account(app: Flask, staff: FlaskClient,
                                                                     participant_id: int) -> None:
    path = make_link(staff, participant_id)
    again = staff.get(f"/feedback/participants/{participant_id}/card").get_data(as_text=True)
    assert path not in again and "feedback-url" not in again and "can only be printed when the link is made" in again

    employer = app.test_client()
    response = employer.get(path, headers={"User-Agent": PHONE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert "Tell us how Sam got on" in html and "Green Fingers" in html
    # Every skill of the vocabulary, each with Not seen and the three-point scale.
    assert html.count('name="skill-skill-teamwork"') == 4 and "Getting there" in html and "Did it well" in html
    assert 'name="offer_again"' in html and 'data-recorder' in html and 'name="voice"' in html
    # Names are spoken through the link's own route, never into the public audio folder.
    assert names_in_public_speech(app, html, NAMES) == []
    assert re.search(r'data-src="/feedback/f/[^/"]+/hear/[^"]+"', html)
    with app.app_context():
        logged = db.session().scalars(select(FeedbackAccess)).all()
        assert [a.what for a in logged] == ["page"] and logged[0].client.startswith("Mozilla/5.0 (iPhone")


def test_the_read_aloud_route_speaks_only_what_the_page_showed(app: Flask, staff: FlaskClient,
                                                              participant_id: int) -> None:
    path = make_link(staff, participant_id)
    other = make_link(staff, participant_id)
    html = app.test_client().get(path).get_data(as_text=True)
    hear = re.search(r'data-say="Tell us how Sam got on" data-src="(/feedback/f/[^"]+)"', html)
    assert hear
    spoken = app.test_client().get(hear.group(1))
    # The server speaks when espeak-ng is there; otherwise the page is told to use the device's voice.
    assert spoken.status_code in {200, 503}
    if spoken.status_code == 200:
        assert spoken.mimetype == "audio/mpeg" and spoken.headers["Cache-Control"] == "no-store"
        public = Path(app.config["INTERFACE_AUDIO_DIR"])
        assert not (public.exists() and any(public.glob("*.mp3")))
        assert any(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3"))
    speech = hear.group(1).rsplit("/", 1)[1]
    assert app.test_client().get(f"{other}/hear/{speech}").status_code == 404
    assert app.test_client().get(f"{path}/hear/forged.token").status_code == 404
    assert app.test_client().get(f"/feedback/f/not-a-token/hear/{speech}").status_code == 404


def test_feedback_is_sent_changed_then_locked_once_staff_read_it(app: Flask, staff: FlaskClient,
                                                                participant_id: int) -> None:
    path = make_link(staff, participant_id)
    employer = app.test_client()
    sent = _send(employer, path)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("?sent=1")
    thanks = employer.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Your feedback has been sent" in thanks and "Send the changes" in thanks
    assert 'value="3" checked' in thanks and "Sam watered every plant." in thanks
    first = _stored(app)
    assert first.skills == {"skill-teamwork": 3, "skill-timekeeping": 1} and first.offer_again == "yes"

    assert _send(employer, path, went_well="Better on day two.", offer_again="maybe").status_code == 302
    changed = _stored(app)
    assert changed.went_well == "Better on day two." and changed.submitted_at == first.submitted_at
    assert changed.read_at is None

    page = staff.get(f"/feedback/participants/{participant_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Better on day two." in html and "Checked — the learner and family can see it" in html
    assert _stored(app).read_at is not None

    locked = _send(employer, path, went_well="Too late")
    assert locked.status_code == 409 and "the school has read this" in locked.get_data(as_text=True)
    assert _stored(app).went_well == "Better on day two."
    view = employer.get(path)
    assert view.status_code == 200 and "Thank you — the school has read this" in view.get_data(as_text=True)
    assert 'name="went_well"' not in view.get_data(as_text=True)


def test_an_empty_or_made_up_send_is_refused_kindly(app: Flask, staff: FlaskClient, participant_id: int) -> None:
    path = make_link(staff, participant_id)
    employer = app.test_client()
    empty = employer.post(path, data={"author_name": "Jo"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400
    assert "Please tap at least one skill" in html and 'value="Jo"' in html
    made_up = _send(employer, path, **{"skill-skill-teamwork": "9"})
    assert made_up.status_code == 400 and "Please choose from the skills" in made_up.get_data(as_text=True)
    assert _stored(app).submitted_at is None


def test_hostile_words_are_kept_clean_and_shown_as_text(app: Flask, staff: FlaskClient, participant_id: int) -> None:
    hostile = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    path = make_link(staff, participant_id)
    employer = app.test_client()
    too_long = "\n".join(hostile.values())
    refused = _send(employer, path, author_name=hostile["script"], went_well=too_long, work_on=hostile["template"])
    assert refused.status_code == 400  # refused with the limit named, never cut and kept
    assert "What went well is too long. Please use 1000 letters or fewer." in refused.get_data(as_text=True)
    assert _stored(app).submitted_at is None
    words = "\n".join(text for text in hostile.values() if len(text) < 100)
    assert _send(employer, path, author_name=hostile["script"] + hostile["null_byte"], went_well=words,
                 work_on=hostile["template"]).status_code == 302
    stored = _stored(app)
    assert "\x00" not in stored.author_name + stored.went_well
    assert stored.went_well == words.replace("\x00", " ").strip()
    for html in (employer.get(path).get_data(as_text=True),
                 staff.get(f"/feedback/participants/{participant_id}").get_data(as_text=True)):
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
        assert 'onmouseover="alert(1)' not in html
        assert "test-secret" not in html


@pytest.mark.parametrize("name", ["voice_fake.webm", "not_an_image.jpg", "polyglot.gif"])
def test_a_hostile_file_is_refused_kindly_and_nothing_is_stored(app: Flask, staff: FlaskClient, participant_id: int,
                                                               name: str) -> None:
    path = make_link(staff, participant_id)
    before = _media_count(app)
    refused = app.test_client().post(path, data={"went_well": "Good", "voice": (FIXTURES / name).open("rb")},
                                     content_type="multipart/form-data")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "not a voice recording we can play" in html
    assert 'value="Good"' not in html and "Good</textarea>" in html
    assert _media_count(app) == before
    assert _stored(app).submitted_at is None


def test_a_voice_note_is_kept_and_plays_for_staff(app: Flask, staff: FlaskClient, participant_id: int) -> None:
    path = make_link(staff, participant_id)
    employer = app.test_client()
    before = _media_count(app)
    sent = employer.post(path, data={"voice": (FIXTURES / "voice_chrome.webm").open("rb")},
                         content_type="multipart/form-data")
    assert sent.status_code == 302
    assert _media_count(app) == (before[0] + 1, before[1] + 1)
    # A new recording replaces the old one: row and file.
    assert employer.post(path, data={"voice": (FIXTURES / "voice_safari.m4a").open("rb")},
                         content_type="multipart/form-data").status_code == 302
    assert _media_count(app) == (before[0] + 1, before[1] + 1)
    played = staff.get(f"/feedback/participants/{participant_id}/voice")
    assert played.status_code == 200 and played.mimetype == "audio/mp4"
    assert f"/feedback/participants/{participant_id}/voice" in staff.get(
        f"/feedback/participants/{participant_id}").get_data(as_text=True)


def test_stopped_expired_and_unknown_links_get_a_kind_page(app: Flask, staff: FlaskClient,
                                                          participant_id: int) -> None:
    stopped = make_link(staff, participant_id)
    expired = make_link(staff, participant_id)
    working = make_link(staff, participant_id)
    with app.app_context():
        session = db.session()
        links = session.scalars(select(EmployerFeedback).order_by(EmployerFeedback.id)).all()
        links[1].expires_at = utcnow() - timedelta(minutes=1)
        stop_id = links[0].id
        session.commit()
    assert staff.post(f"/feedback/participants/{participant_id}/stop", data={"link": str(stop_id)}).status_code == 302
    employer = app.test_client()
    for path, status, words in [(stopped, 410, "This link has been stopped"), (expired, 410, "This link has expired"),
                                ("/feedback/f/not-a-real-token", 404, "We cannot find this page")]:
        for response in (employer.get(path), _send(employer, path)):
            html = response.get_data(as_text=True)
            assert response.status_code == status and words in html
            assert "Sam" not in html
    assert employer.get(working).status_code == 200
    listing = staff.get(f"/feedback/participants/{participant_id}").get_data(as_text=True)
    assert "Every visit" in listing and "opened (" in listing
    assert listing.count('id="stop-feedback-link-') == 1 and "Stopped" in listing and "Expired" in listing
    assert staff.post(f"/feedback/participants/{participant_id}/stop").status_code == 302
    assert employer.get(working).status_code == 410
    wrong = staff.post(f"/feedback/participants/{participant_id}/stop", data={"link": "999999"})
    assert wrong.status_code == 400


def test_sending_is_rate_limited_per_link(app: Flask, staff: FlaskClient, participant_id: int) -> None:
    app.config["FEEDBACK_RATE_LIMIT"] = "3 per hour"
    path = make_link(staff, participant_id)
    other = make_link(staff, participant_id)
    employer = app.test_client()
    assert [_send(employer, path).status_code for _ in range(3)] == [302, 302, 302]
    flooded = _send(employer, path)
    assert flooded.status_code == 429
    assert employer.get(path).status_code == 200  # reading is not limited
    assert _send(employer, other).status_code == 302  # another link is not slowed down


def test_the_learner_sees_checked_feedback_on_their_entry(app: Flask, world: World, staff: FlaskClient,
                                                          participant_id: int) -> None:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        entry = make_experience(session, learner, learner)
        entry.activity_id = session.get(ActivityParticipant, participant_id).activity_id
        session.commit()
        entry_id = entry.id
    path = make_link(staff, participant_id)
    employer = app.test_client()
    assert employer.post(path, data={"went_well": "Lovely work with the plants",
                                     "voice": (FIXTURES / "voice_chrome.webm").open("rb")},
                         content_type="multipart/form-data").status_code == 302
    learner = app.test_client()
    sign_in_as(learner, world.learner)
    before = learner.get(f"/experiences/{entry_id}").get_data(as_text=True)
    assert "What Green Fingers said" not in before and "Lovely work" not in before
    assert learner.get(f"/feedback/participants/{participant_id}/voice").status_code == 403
    # Staff see it on the entry before checking, with a way to read and check it.
    on_entry = staff.get(f"/experiences/{entry_id}").get_data(as_text=True)
    assert "What Green Fingers said" in on_entry and "Read and check the feedback" in on_entry

    checked = staff.post(f"/feedback/participants/{participant_id}/check")
    assert checked.status_code == 302
    assert "can see the feedback now" in staff.get(checked.headers["Location"]).get_data(as_text=True)
    page = learner.get(f"/experiences/{entry_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "What Green Fingers said" in html and "Lovely work with the plants" in html
    assert names_in_public_speech(app, html, NAMES) == []
    assert f"/feedback/participants/{participant_id}/voice" in html
    assert learner.get(f"/feedback/participants/{participant_id}/voice").status_code == 200
    parent = app.test_client()
    sign_in_as(parent, world.parent)
    assert parent.get(f"/feedback/participants/{participant_id}/voice").status_code == 200


def test_check_with_nothing_sent_is_a_kind_400(staff: FlaskClient, participant_id: int) -> None:
    refused = staff.post(f"/feedback/participants/{participant_id}/check")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is no feedback to check yet." in html


def test_the_form_needs_its_csrf_token(app: Flask, staff: FlaskClient, participant_id: int) -> None:
    path = make_link(staff, participant_id)
    app.config["WTF_CSRF_ENABLED"] = True
    employer = app.test_client()
    html = employer.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    assert employer.post(path, data={"went_well": "Good"}).status_code == 400
    assert employer.post(path, data={"went_well": "Good", "csrf_token": token.group(1)}).status_code == 302


def test_the_staff_controls_macro_says_where_feedback_is_up_to(app: Flask, staff: FlaskClient,
                                                               participant_id: int) -> None:
    template = '{% from "feedback/_staff_controls.html" import feedback_controls %}{{ feedback_controls(p) }}'

    def render() -> str:
        with app.test_request_context():
            return render_template_string(template, p=db.session().get(ActivityParticipant, participant_id))

    assert "No feedback asked for yet." in render()
    path = make_link(staff, participant_id)
    assert "Waiting for feedback" in render()
    _send(app.test_client(), path)
    assert "Feedback has come back" in render()
    staff.post(f"/feedback/participants/{participant_id}/check")
    html = render()
    assert "Feedback checked" in html and f"/feedback/participants/{participant_id}/link" in html
