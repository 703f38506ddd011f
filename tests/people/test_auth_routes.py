"""Signing in, and the hostile ways people try to get round it."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.models import LoginCard, User, utcnow
from portfolio.people.auth_routes import FAILED_SIGN_IN, safe_next
from tests.conftest import csrf_token, sign_in_as
from tests.factories import FAST_HASH, PASSWORD, World


def login(client: FlaskClient, email: str, password: str, **extra: str):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client), **extra})


def enrol_tablet(app: Flask, client: FlaskClient, staff: User) -> None:
    """Set the client up as a school tablet the way a TA does, then sign the TA out."""
    sign_in_as(client, staff)
    token = csrf_token(client, "/staff/tablet")
    assert client.post("/staff/tablet", data={"action": "enrol", "name": "iPad", "csrf_token": token}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})


def test_staff_sign_in_lands_on_their_home(client: FlaskClient, world: World) -> None:
    response = login(client, world.ta.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_parent_sign_in_lands_on_family_page(client: FlaskClient, world: World) -> None:
    """The world's parent has one child, so they land on that child's page (two children: see
    tests/experiences/test_drafts.py)."""
    response = login(client, world.parent.email.upper() + "  ", PASSWORD)
    assert response.headers["Location"] == f"/family/learners/{world.learner.id}"


@pytest.mark.parametrize("email,password", [
    ("priya@nowhere.example", PASSWORD),  # no such account
    (None, "wrong password"),  # wrong password
    (None, ""),
])
def test_failed_sign_in_gives_one_generic_message(client: FlaskClient, world: World, email, password) -> None:
    response = login(client, email or world.ta.email, password)
    assert response.status_code == 401
    assert FAILED_SIGN_IN in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(app: Flask, client: FlaskClient, world: World) -> None:
    with app.app_context():
        db.session().get(User, world.ta.id).active = False
        db.session().commit()
    assert login(client, world.ta.email, PASSWORD).status_code == 401


def test_brute_force_is_rate_limited(client: FlaskClient, world: World) -> None:
    statuses = [login(client, world.ta.email, f"guess {i}").status_code for i in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    page = login(client, world.ta.email, PASSWORD)
    assert page.status_code == 429
    assert "Please wait a moment" in page.get_data(as_text=True)


def test_sign_in_limits_count_per_account_not_per_school_address(app: Flask, world: World) -> None:
    """A whole staff room signs in from one address at 8.45; only repeated guessing is held up."""
    client = app.test_client()
    adults = [world.ta, world.other_ta, world.parent, world.other_parent, world.admin, world.other_school_admin]
    for _ in range(2):  # each adult mistypes once, all from the same address
        assert [login(client, person.email, "typo").status_code for person in adults] == [401] * len(adults)
    assert [login(client, person.email, PASSWORD).status_code for person in adults[:3]] == [302] * 3


def test_sign_in_address_limit_stops_one_machine_trying_many_accounts(app: Flask, world: World) -> None:
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "8 per minute"
    client = app.test_client()
    statuses = [login(client, f"guess{i}@example.org", "x").status_code for i in range(9)]
    assert statuses == [401] * 8 + [429]


def test_card_sign_in_limits_count_per_school_tablet(app: Flask, world: World) -> None:
    """Tablets in one classroom share an address; a tablet typing wrong codes slows only itself."""
    busy, other = app.test_client(), app.test_client()
    enrol_tablet(app, busy, world.ta)
    enrol_tablet(app, other, world.ta)
    token = csrf_token(busy, "/code")
    statuses = [busy.post("/code", data={"code": "ZZZZZZ", "csrf_token": token}).status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    answer = other.post("/code", data={"code": world.card_code, "csrf_token": csrf_token(other, "/code")})
    assert answer.status_code == 302 and answer.headers["Location"] == "/card/check"


def test_login_without_csrf_token_is_refused_kindly(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"email": world.ta.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Nothing has been lost" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # still not signed in


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "\\\\evil", "/ok\r\nSet-Cookie: x",
])
def test_open_redirect_in_next_is_ignored(client: FlaskClient, world: World, target: str) -> None:
    response = login(client, world.ta.email, PASSWORD, next=target)
    assert response.headers["Location"] == "/staff/"


def test_safe_next_keeps_local_paths() -> None:
    assert safe_next("/staff/learners/3?x=1") == "/staff/learners/3?x=1"
    assert safe_next("staff") is None


def test_next_brings_you_back_after_sign_in(client: FlaskClient, world: World) -> None:
    first = client.get(f"/staff/learners/{world.learner.id}")
    assert first.status_code == 302 and "next=" in first.headers["Location"]
    response = login(client, world.ta.email, PASSWORD, next=f"/staff/learners/{world.learner.id}")
    assert response.headers["Location"] == f"/staff/learners/{world.learner.id}"


def test_session_is_renewed_at_sign_in(client: FlaskClient, world: World) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, world.ta.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["signed_in_via"] == "password"


def test_idle_timeout_signs_out(app: Flask, client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - app.config["IDLE_TIMEOUT"].total_seconds() - 5
    assert client.get("/staff/").status_code == 302
    assert "signed out because the app was not used" in client.get("/").get_data(as_text=True)


def test_logout_ends_the_session(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_copy_of_the_cookie_made_before_signing_out_opens_nothing(app: Flask, world: World) -> None:
    """Signing out ends the session on the server, not only in the browser that signed out."""
    client = app.test_client()
    login(client, world.ta.email, PASSWORD)
    assert client.get("/staff/").status_code == 200
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied.value)
    refused = replay.get("/staff/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    with app.app_context():
        from portfolio.models import SignIn

        records = db.session().query(SignIn).filter_by(user_id=world.ta.id).all()
        assert len(records) == 1 and records[0].ended_at is not None and records[0].via == "password"


def test_signing_out_on_one_device_leaves_the_others_signed_in(app: Flask, world: World) -> None:
    laptop, ipad = app.test_client(), app.test_client()
    login(laptop, world.ta.email, PASSWORD)
    login(ipad, world.ta.email, PASSWORD)
    ipad.post("/logout", data={"csrf_token": csrf_token(ipad, "/staff/")})
    assert laptop.get("/staff/").status_code == 200
    assert ipad.get("/staff/").status_code == 302


def test_a_forged_or_missing_sign_in_token_opens_nothing(app: Flask, client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    for forged in ("made-up", None):
        with client.session_transaction() as session:
            if forged is None:
                session.pop("sign_in", None)
            else:
                session["sign_in"] = forged
        assert client.get("/staff/").status_code == 302


def test_password_change_ends_old_sessions(app: Flask, client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        from portfolio.people import accounts

        accounts.set_password(db.session().get(User, world.ta.id), "a brand new password", hash_method=FAST_HASH)
        db.session().commit()
    assert client.get("/staff/").status_code == 302


def test_htmx_request_gets_hx_redirect_to_login(client: FlaskClient, world: World) -> None:
    response = client.get("/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login")


# Learner cards ------------------------------------------------------------------------------


def test_card_on_a_tablet_that_is_not_set_up_opens_nothing(client: FlaskClient, world: World) -> None:
    response = client.get(f"/card/{world.card_token}")
    assert response.status_code == 403
    assert "This is not a school tablet" in response.get_data(as_text=True)
    assert client.get("/me/").status_code == 302


def test_card_and_picture_check_sign_the_learner_in(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    response = client.get(f"/card/{world.card_token}")
    assert response.headers["Location"] == "/card/check"
    page = client.get("/card/check").get_data(as_text=True)
    assert page.count('name="picture"') == 4 and 'value="dog"' in page
    response = client.post("/card/check", data={"picture": "dog", "csrf_token": csrf_token(client, "/card/check")})
    assert response.headers["Location"] == "/me/"
    assert "Hello Sam" in client.get("/me/").get_data(as_text=True)


def test_picture_positions_stay_the_same_each_time(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    client.get(f"/card/{world.card_token}")
    first = client.get("/card/check").get_data(as_text=True)
    client.get(f"/card/{world.card_token}")
    assert client.get("/card/check").get_data(as_text=True).split('name="picture"')[1:] == first.split('name="picture"')[1:]


def test_wrong_pictures_lock_the_card(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    client.get(f"/card/{world.card_token}")
    token = csrf_token(client, "/card/check")
    first = client.post("/card/check", data={"picture": "not-mine", "csrf_token": token})
    assert first.status_code == 400 and "That is not your picture" in first.get_data(as_text=True)
    client.post("/card/check", data={"picture": "not-mine", "csrf_token": token})
    locked = client.post("/card/check", data={"picture": "not-mine", "csrf_token": token})
    assert locked.status_code == 429 and "Time for a break" in locked.get_data(as_text=True)
    assert "/static/symbols/clock.svg" in locked.get_data(as_text=True).split("</h1>", 1)[0]
    # Even the right picture is refused while the card is locked.
    again = client.get(f"/card/{world.card_token}")
    assert again.status_code == 429
    assert client.get("/me/").status_code == 302


def test_short_code_leads_to_the_picture_check(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    typed = world.card_code.lower()[:3] + "-" + world.card_code.lower()[3:]
    response = client.post("/code", data={"code": typed, "csrf_token": csrf_token(client, "/code")})
    assert response.headers["Location"] == "/card/check"


def test_wrong_short_code_gets_a_kind_message(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    response = client.post("/code", data={"code": "ZZZZZZ", "csrf_token": csrf_token(client, "/code")})
    assert response.status_code == 404 and "That code did not work" in response.get_data(as_text=True)


@pytest.mark.parametrize("change,status,words,picture", [
    (lambda card: setattr(card, "revoked_at", utcnow()), 410, "This card has stopped working", "card"),
    (lambda card: setattr(card, "expires_at", utcnow() - timedelta(days=1)), 410, "This card is too old", "clock"),
    (lambda card: setattr(card.learner, "active", False), 410, "This card is switched off", "lock"),
])
def test_revoked_expired_or_switched_off_cards_get_a_friendly_screen(
    app: Flask, client: FlaskClient, world: World, change, status: int, words: str, picture: str
) -> None:
    enrol_tablet(app, client, world.ta)
    with app.app_context():
        card = db.session().query(LoginCard).filter_by(learner_id=world.learner.id).one()
        change(card)
        db.session().commit()
    response = client.get(f"/card/{world.card_token}")
    html = response.get_data(as_text=True)
    assert response.status_code == status and words in html
    # Symbol-supported, not a bare error: the heading carries the picture for this problem.
    heading = html.split('<h1 id="page-title">', 1)[1].split("</h1>", 1)[0]
    assert f"/static/symbols/{picture}.svg" in heading, heading


def test_unknown_card_token(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    response = client.get("/card/this-is-not-a-card")
    assert response.status_code == 404 and "We do not know this card" in response.get_data(as_text=True)


def test_card_from_another_school_does_not_work_on_this_schools_tablet(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from portfolio.people import cards

    with app.app_context():
        session = db.session()
        other = cards.issue_card(session, session.get(User, world.other_school_learner.id),
                                 session.get(User, world.other_school_admin.id), 30)
        session.commit()
    enrol_tablet(app, client, world.ta)
    assert client.get(f"/card/{other.token}").status_code == 404


def test_reissued_card_stops_the_old_one(app: Flask, client: FlaskClient, world: World) -> None:
    enrol_tablet(app, client, world.ta)
    sign_in_as(client, world.ta)
    client.post(f"/staff/learners/{world.learner.id}/card", data={"csrf_token": csrf_token(client, "/staff/")})
    page = client.get(f"/staff/learners/{world.learner.id}/card").get_data(as_text=True)
    assert "data:image/png;base64," in page and "Code:" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert client.get(f"/card/{world.card_token}").status_code == 410


def test_ta_hands_the_tablet_to_a_learner(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    response = client.post(f"/staff/learners/{world.learner.id}/handover", data={"csrf_token": csrf_token(client, "/staff/")})
    assert response.headers["Location"] == "/me/"
    assert "Hello Sam" in client.get("/me/").get_data(as_text=True)
    assert client.get("/staff/").status_code == 403  # the TA's session is gone


def test_ta_cannot_hand_over_to_a_learner_from_another_group(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    response = client.post(f"/staff/learners/{world.other_learner.id}/handover",
                           data={"csrf_token": csrf_token(client, "/staff/")})
    assert response.status_code == 403


@pytest.mark.parametrize("late", ["/sw.js", "/manifest.webmanifest", "/offline", "/about"])
def test_a_request_from_before_the_code_cannot_undo_it(app: Flask, client: FlaskClient, world: World,
                                                       late: str) -> None:
    """The session lives in a cookie, so a request the page sent before the learner typed their code
    (the service worker's script, the manifest, a page it fetches) must not answer with a cookie of
    its own: arriving after the code's answer, it would drop the card and the picture check would
    say "We do not know this card"."""
    enrol_tablet(app, client, world.ta)
    token = csrf_token(client, "/code")
    before = client.get_cookie("session")
    assert before is not None and before.value
    response = client.post("/code", data={"code": world.card_code, "csrf_token": token})
    assert response.headers["Location"] == "/card/check"

    other = app.test_client()
    other.set_cookie("session", before.value, domain=before.domain)
    answer = other.get(late)
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers, f"{late} rewrote the session cookie"
