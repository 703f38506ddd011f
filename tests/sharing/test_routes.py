"""Share links and photo consent through their routes: staff make and stop links; anyone with a
working link sees the page, photos (with consent), the learner's voice and read-aloud; nothing else."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portfolio import db
from portfolio.models import EmployerFeedback, PassportStatement, ShareAccess, ShareLink, User, utcnow
from portfolio.sharing import service as sharing
from tests.conftest import csrf_token, sign_in_as
from tests.factories import Entries, World, make_activity, make_employer

IPAD_SAFARI = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"
HOSTILE = '<script>alert("x")</script> & "quotes" \u202e'


@pytest.fixture
def staff(app: Flask, world: World, entries: Entries, no_csrf: Flask) -> FlaskClient:
    with app.app_context():
        session = db.session()
        for position, (section, text) in enumerate([("likes", "I like plants"), ("about-me", HOSTILE)]):
            session.add(PassportStatement(school_id=world.school.id, learner_id=world.learner.id, section=section,
                                          text=text, symbol=f"school:{entries.school_symbol_id}" if position else
                                          "water-plants", position=position))
        session.commit()
    client = app.test_client()
    sign_in_as(client, world.ta)
    return client


def _base(world: World) -> str:
    return f"/staff/learners/{world.learner.id}"


def make_link(client: FlaskClient, world: World, entries: Entries, **form: object) -> str:
    """Make a link through the form and return the share page's path, read off the page shown once."""
    data = {"audience": "Green Fingers Garden Centre", "section": ["likes", "about-me"],
            "experience": [str(entries.shared.id)], "days": "30"}
    data.update(form)
    made = client.post(f"{_base(world)}/share/new", data=data)
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    shown = client.get(made.headers["Location"]).get_data(as_text=True)
    found = re.search(r'id="share-url" type="text" value="http://localhost(/share/[^"]+)"', shown)
    assert found, "the link was not shown"
    return found.group(1)


def set_consent(client: FlaskClient, world: World, outside: str) -> None:
    response = client.post(f"{_base(world)}/consent",
                           data={"in-school": "yes", "with-family": "yes", "outside-school": outside})
    assert response.status_code == 302


def test_staff_pages_pass_the_page_checks(app: Flask, world: World, entries: Entries, staff: FlaskClient) -> None:
    path = make_link(staff, world, entries)
    for url in (f"{_base(world)}/share", f"{_base(world)}/share/new", f"{_base(world)}/consent",
                f"{_base(world)}/share/1/created"):
        response = staff.get(url)
        assert response.status_code == 200, url
    assert app.test_client().get(path).status_code == 200


def test_the_link_and_qr_code_are_shown_once(world: World, entries: Entries, staff: FlaskClient) -> None:
    made = staff.post(f"{_base(world)}/share/new", data={"audience": "Riverside College", "section": "likes",
                                                         "days": "7"})
    first = staff.get(made.headers["Location"]).get_data(as_text=True)
    assert 'src="data:image/png;base64,' in first and 'id="share-url"' in first
    assert "Works until" in first
    again = staff.get(made.headers["Location"]).get_data(as_text=True)
    assert "data:image/png" not in again and 'id="share-url"' not in again
    assert "only shown once" in again


def test_sharer_is_told_when_photos_will_not_be_shown(world: World, entries: Entries, staff: FlaskClient) -> None:
    notice = "Sam’s photos will not be shown: there is no consent to show them outside school."
    assert notice in staff.get(f"{_base(world)}/share/new").get_data(as_text=True)
    made = staff.post(f"{_base(world)}/share/new", data={"audience": "Riverside College", "section": "likes"})
    assert notice in staff.get(made.headers["Location"]).get_data(as_text=True)
    set_consent(staff, world, "yes")
    assert notice not in staff.get(f"{_base(world)}/share/new").get_data(as_text=True)


@pytest.mark.parametrize("form, message", [
    ({"audience": ""}, "Please say who this is for"),
    ({"days": "365"}, "7, 30 or 90 days"),
    ({"section": [], "experience": []}, "at least one"),
    ({"experience": ["999999"]}, "checked and shared"),
    ({"section": ["hopes"]}, "passport sections shown"),
])
def test_kind_messages_when_a_link_cannot_be_made(world: World, entries: Entries, staff: FlaskClient,
                                                 form: dict, message: str) -> None:
    data = {"audience": "Green Fingers", "section": ["likes"], "experience": [str(entries.shared.id)], "days": "30"}
    data.update(form)
    response = staff.post(f"{_base(world)}/share/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and 'role="alert"' in html


def test_share_page_is_public_symbol_supported_and_never_cached(app: Flask, world: World, entries: Entries,
                                                                staff: FlaskClient) -> None:
    path = make_link(staff, world, entries)
    response = app.test_client().get(path, headers={"User-Agent": IPAD_SAFARI})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in html
    assert "About me: Sam" in html and "I like plants" in html and "Green Fingers Garden Centre" in html
    assert "Patel" not in html  # first name only
    assert "What I like and do not like" in html and "Work placement at Green Fingers" in html
    # Symbols beside the words; a school's own symbol comes through the link, not the signed-in route.
    assert "/static/symbols/water-plants.svg" in html
    assert f"{path}/symbols/{entries.school_symbol_id}" in html and "/symbols/1/image" not in html
    # Read-aloud of personal words goes through the link; none through the signed-in route.
    assert "/speech/private/" not in html
    assert f'data-src="{path}/hear/' in html
    assert f"{path}/experiences/{entries.shared.id}/voice" in html
    # Photos are left out without outside-school consent.
    assert "/photos/" not in html
    assert app.test_client().get(f"{path}/photos/{entries.photo_id}").status_code == 404


def test_hostile_text_is_shown_as_text(app: Flask, world: World, entries: Entries, staff: FlaskClient) -> None:
    path = make_link(staff, world, entries, audience=HOSTILE)
    html = app.test_client().get(path).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    listing = staff.get(f"{_base(world)}/share").get_data(as_text=True)
    assert "<script>alert" not in listing


def test_photos_with_consent_and_every_access_is_logged(app: Flask, world: World, entries: Entries,
                                                        staff: FlaskClient) -> None:
    set_consent(staff, world, "yes")
    path = make_link(staff, world, entries)
    visitor = app.test_client()
    html = visitor.get(path, headers={"User-Agent": IPAD_SAFARI}).get_data(as_text=True)
    assert f"{path}/photos/{entries.photo_id}" in html
    photo = visitor.get(f"{path}/photos/{entries.photo_id}", headers={"User-Agent": IPAD_SAFARI})
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.headers["Cache-Control"] == "no-store" and photo.headers["X-Robots-Tag"].startswith("noindex")
    voice = visitor.get(f"{path}/experiences/{entries.shared.id}/voice")
    assert voice.status_code == 200 and voice.mimetype.startswith("audio/")
    assert visitor.get(f"{path}/photos/999999").status_code == 404
    with app.app_context():
        logged = db.session().scalars(select(ShareAccess).order_by(ShareAccess.id)).all()
        assert [a.what for a in logged] == ["page", "photo", "voice"]
        assert logged[0].client.startswith("Mozilla/5.0 (iPad")
    listing = staff.get(f"{_base(world)}/share").get_data(as_text=True)
    assert "Opened 3 times" in listing
    # Consent taken back: the photo disappears at once.
    set_consent(staff, world, "no")
    assert visitor.get(f"{path}/photos/{entries.photo_id}").status_code == 404
    assert "/photos/" not in visitor.get(path).get_data(as_text=True)


def test_stopped_and_expired_links_get_a_friendly_page(app: Flask, world: World, entries: Entries,
                                                       staff: FlaskClient) -> None:
    path = make_link(staff, world, entries)
    with app.app_context():
        link = db.session().scalars(select(ShareLink)).one()
        link_id = link.id
    stop = staff.post(f"{_base(world)}/share/{link_id}/revoke")
    assert stop.status_code == 302
    assert "Nobody can open it now" in staff.get(stop.headers["Location"]).get_data(as_text=True)
    gone = app.test_client().get(path)
    html = gone.get_data(as_text=True)
    assert gone.status_code == 410 and "This link has been stopped" in html and "Sam" not in html
    assert gone.headers["Cache-Control"] == "no-store"
    assert app.test_client().get(f"{path}/experiences/{entries.shared.id}/voice").status_code == 410

    expired = make_link(staff, world, entries)
    with app.app_context():
        session = db.session()
        newest = session.scalars(select(ShareLink).order_by(ShareLink.id.desc())).first()
        newest.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
    old = app.test_client().get(expired)
    assert old.status_code == 410 and "This link has expired" in old.get_data(as_text=True)
    wrong = app.test_client().get("/share/" + "A" * 32)
    assert wrong.status_code == 404 and "We cannot find this page" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(ShareAccess)).all() == []  # refused visits open nothing
    listing = staff.get(f"{_base(world)}/share").get_data(as_text=True)
    assert "Stopped" in listing and "Expired" in listing


def test_another_schools_link_reaches_none_of_sams_things(app: Flask, world: World, entries: Entries,
                                                           staff: FlaskClient) -> None:
    with app.app_context(), app.test_request_context():
        session = db.session()
        jade = session.get(User, world.other_school_learner.id)
        grace = session.get(User, world.other_school_admin.id)
        session.add(PassportStatement(school_id=jade.school_id, learner_id=jade.id, section="likes", text="Horses"))
        session.flush()
        token = sharing.create_link(session, jade, grace, audience="Stables", sections=["likes"],
                                    experience_ids=[]).token
        session.commit()
    set_consent(staff, world, "yes")
    visitor = app.test_client()
    page = visitor.get(f"/share/{token}").get_data(as_text=True)
    assert "Horses" in page and "Sam" not in page
    assert visitor.get(f"/share/{token}/photos/{entries.photo_id}").status_code == 404
    assert visitor.get(f"/share/{token}/experiences/{entries.shared.id}/voice").status_code == 404
    assert visitor.get(f"/share/{token}/symbols/{entries.school_symbol_id}").status_code == 404


def test_a_link_for_another_learner_cannot_be_stopped_from_sams_page(app: Flask, world: World, entries: Entries,
                                                                    staff: FlaskClient) -> None:
    make_link(staff, world, entries)
    with app.app_context():
        link_id = db.session().scalars(select(ShareLink)).one().id
    admin = app.test_client()
    sign_in_as(admin, world.admin)
    assert admin.post(f"/staff/learners/{world.other_learner.id}/share/{link_id}/revoke").status_code == 404
    assert admin.get(f"/staff/learners/{world.other_learner.id}/share/{link_id}/created").status_code == 404


def test_read_aloud_on_the_share_page(app: Flask, world: World, entries: Entries, staff: FlaskClient) -> None:
    path = make_link(staff, world, entries)
    html = app.test_client().get(path).get_data(as_text=True)
    hear = re.search(rf'data-say="I like plants" data-src="({re.escape(path)}/hear/[^"]+)"', html)
    assert hear
    response = app.test_client().get(hear.group(1))
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert list(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3"))
    assert not list(Path(app.config["INTERFACE_AUDIO_DIR"]).glob("*.mp3"))
    # The same words through another link, or a forged token, say nothing.
    other = make_link(staff, world, entries, audience="Riverside College")
    speech = hear.group(1).rsplit("/", 1)[1]
    assert app.test_client().get(f"{other}/hear/{speech}").status_code == 404
    assert app.test_client().get(f"{path}/hear/{speech[:-3]}abc").status_code == 404


def test_without_a_speech_engine_the_browser_voice_is_used(app: Flask, world: World, entries: Entries,
                                                           staff: FlaskClient) -> None:
    path = make_link(staff, world, entries)
    html = app.test_client().get(path).get_data(as_text=True)
    src = re.search(rf'data-src="({re.escape(path)}/hear/[^"]+)"', html).group(1)  # type: ignore[union-attr]
    app.extensions["speech"] = None
    response = app.test_client().get(src)
    assert response.status_code == 503 and response.get_json() == {"fallback": "browser"}


def test_consent_form(app: Flask, world: World, staff: FlaskClient) -> None:
    page = staff.get(f"{_base(world)}/consent").get_data(as_text=True)
    assert "Nobody has answered yet" in page
    assert re.search(r'id="consent-outside-school-2" name="outside-school" value="no" checked', page)
    bad = staff.post(f"{_base(world)}/consent", data={"in-school": "yes", "with-family": "maybe"})
    assert bad.status_code == 400 and "Please answer yes or no" in bad.get_data(as_text=True)
    set_consent(staff, world, "yes")
    saved = staff.get(f"{_base(world)}/consent").get_data(as_text=True)
    assert "Photo consent for Sam is saved." in saved and "Nobody has answered yet" not in saved
    assert re.search(r'id="consent-outside-school-1" name="outside-school" value="yes" checked', saved)


def test_forms_need_the_csrf_token(app: Flask, world: World, entries: Entries) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in_as(client, world.ta)
    data = {"audience": "Green Fingers", "experience": str(entries.shared.id)}
    assert client.post(f"{_base(world)}/share/new", data=data).status_code == 400
    token = csrf_token(client, f"{_base(world)}/share/new")
    assert client.post(f"{_base(world)}/share/new", data={**data, "csrf_token": token}).status_code == 302


def test_an_about_me_page_made_for_a_placement_asks_the_employer_for_feedback_once_it_starts(
        app: Flask, world: World, no_csrf: Flask) -> None:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        session.add(PassportStatement(school_id=learner.school_id, learner_id=learner.id, section="likes",
                                      text="I like plants", position=0))
        employer = make_employer(session, learner.school, "Green Fingers Garden Centre")
        today = make_activity(session, learner.school, [learner], employer=employer)
        later = make_activity(session, learner.school, [learner], employer=employer,
                              starts_on=date.today() + timedelta(days=3))
        session.commit()
        today_id, later_id = today.id, later.id
    ta = app.test_client()
    sign_in_as(ta, world.ta)
    form = ta.get(f"/staff/learners/{world.learner.id}/share/new?activity={today_id}").get_data(as_text=True)
    assert 'value="Green Fingers Garden Centre"' in form and f'name="activity" value="{today_id}"' in form
    tokens = {}
    for activity_id in (today_id, later_id):
        made = ta.post(f"/staff/learners/{world.learner.id}/share/new",
                       data={"audience": "Green Fingers", "section": "likes", "days": "30", "activity": activity_id})
        assert made.status_code == 302
        with ta.session_transaction() as held:
            tokens[activity_id] = held["share_link_shown"]["token"]
        ta.get(made.headers["Location"])  # shown once, then forgotten
    employer_phone = app.test_client()
    started = employer_phone.get(f"/share/{tokens[today_id]}").get_data(as_text=True)
    not_yet = employer_phone.get(f"/share/{tokens[later_id]}").get_data(as_text=True)
    assert 'id="give-feedback"' in started and 'id="give-feedback"' not in not_yet
    first = employer_phone.get(f"/share/{tokens[today_id]}/feedback")
    again = employer_phone.get(f"/share/{tokens[today_id]}/feedback")
    assert first.status_code == 302 and first.headers["Location"] == again.headers["Location"]
    assert first.headers["Location"].startswith("/feedback/f/")
    assert employer_phone.get(first.headers["Location"]).status_code == 200
    assert employer_phone.get(f"/share/{tokens[later_id]}/feedback").status_code == 404
    with app.app_context():
        assert db.session().query(EmployerFeedback).count() == 1
        link = db.session().query(ShareLink).filter_by(activity_id=today_id).one()
        assert [a.what for a in link.accesses].count("feedback") == 2
