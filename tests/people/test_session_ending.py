"""Stopping a card, switching an account off or a learner leaving ends their open sessions at once."""
from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.models import LoginCard, SignIn, User, utcnow
from portfolio.people import accounts, cards
from portfolio.people.sessions import end_sessions_for
from portfolio.records import service as records
from tests.conftest import csrf_token, sign_in_as
from tests.factories import World
from tests.people.test_auth_routes import enrol_tablet


def _sign_in_by_card(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    client.get(f"/card/{world.card_token}")
    answer = client.post("/card/check", data={"picture": "dog", "csrf_token": csrf_token(client, "/card/check")})
    assert answer.headers["Location"] == "/me/"
    assert client.get("/me/").status_code == 200


def _open_sign_ins(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).select_from(SignIn).where(SignIn.user_id == user_id, SignIn.ended_at.is_(None)))


def test_stopping_the_card_signs_the_learner_out_on_the_tablet(app: Flask, client: FlaskClient, world: World) -> None:
    _sign_in_by_card(app, client, world)
    staff = app.test_client()
    sign_in_as(staff, world.ta)
    token = csrf_token(staff, f"/staff/learners/{world.learner.id}")
    stopped = staff.post(f"/staff/learners/{world.learner.id}/card/revoke", data={"csrf_token": token})
    assert stopped.status_code == 302
    assert _open_sign_ins(app, world.learner.id) == 0
    answer = client.get("/me/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_stopped_card_ends_a_card_session_even_if_its_row_was_left_open(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """The sign-in check itself refuses a card session whose learner has no live card."""
    _sign_in_by_card(app, client, world)
    with app.app_context():
        for card in db.session().scalars(select(LoginCard).where(LoginCard.learner_id == world.learner.id)):
            card.revoked_at = utcnow()
        db.session().commit()
    assert _open_sign_ins(app, world.learner.id) == 1
    assert client.get("/me/").status_code == 302


def test_a_new_card_keeps_the_learner_signed_in(app: Flask, client: FlaskClient, world: World) -> None:
    """Printing a fresh card (which stops the old one) happens mid-lesson; it must not sign anyone out."""
    _sign_in_by_card(app, client, world)
    with app.app_context():
        dbs = db.session()
        cards.issue_card(dbs, dbs.get(User, world.learner.id), dbs.get(User, world.ta.id), 30)
        dbs.commit()
    assert client.get("/me/").status_code == 200


def test_switching_an_account_off_ends_its_sessions(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        accounts.update_person(dbs, ta, display_name=ta.display_name, email=ta.email, active=False)
        dbs.commit()
    assert _open_sign_ins(app, world.ta.id) == 0
    assert client.get("/staff/").status_code == 302


def test_a_learner_leaving_ends_their_sessions(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.learner)
    assert client.get("/me/").status_code == 200
    with app.app_context():
        dbs = db.session()
        form = records.LeavingForm(left_on=date.today().isoformat(), reason="Moved away", keep_in_touch="no",
                                   destination=records.DestinationForm("education", "entry", "Riverside College"))
        records.leave(dbs, dbs.get(User, world.admin.id), dbs.get(User, world.learner.id), form, date.today())
        dbs.commit()
    assert _open_sign_ins(app, world.learner.id) == 0
    assert client.get("/me/").status_code == 302


def test_end_sessions_for_ends_every_device_and_only_that_person(app: Flask, world: World) -> None:
    devices = [app.test_client() for _ in range(3)]
    for device in devices:
        sign_in_as(device, world.ta)
    other = app.test_client()
    sign_in_as(other, world.other_ta)
    with app.app_context():
        assert end_sessions_for(db.session(), world.ta.id) == 3
        db.session().commit()
    assert [device.get("/staff/").status_code for device in devices] == [302, 302, 302]
    assert other.get("/staff/").status_code == 200
