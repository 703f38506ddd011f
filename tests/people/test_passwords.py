"""The password rules: a minimum length and the common-password list, no composition rules,
applied wherever a password is set; a change ends the person's other sign-ins."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.models import SignIn, User
from portfolio.people import accounts, passwords
from portfolio.people import sessions as auth_session
from tests.conftest import csrf_token, sign_in_as
from tests.factories import FAST_HASH, World


@pytest.mark.parametrize("password, rule", [
    ("short", "at least 10 characters"),
    ("nine char", "at least 10 characters"),
    ("password123", "many people use"),
    ("Password1234", "many people use"),  # capitals do not make a common password safe
    ("QWERTYUIOP", "many people use"),
    ("iloveyou 123", "many people use"),  # nor does a space
    ("1234567890", "many people use"),
    ("aaaaaaaaaaaa", "many people use"),
    ("x" * 201, "200 characters or fewer"),
])
def test_each_rule_is_named_in_its_message(password: str, rule: str) -> None:
    with pytest.raises(passwords.PasswordRuleError) as refused:
        passwords.check_new_password(password)
    assert rule in refused.value.message


def test_the_email_address_is_not_a_password() -> None:
    with pytest.raises(passwords.PasswordRuleError, match="cannot be your email"):
        passwords.check_new_password("nina.patel@example.org", email="nina.patel@example.org")
    with pytest.raises(passwords.PasswordRuleError, match="cannot be your email"):
        passwords.check_new_password("nina.patel1", email="nina.patel1@example.org")


@pytest.mark.parametrize("password", [
    "correct horse battery",  # lower-case words only: no composition rule
    "allsmallletters",
    "0123 9876 5555 tree",
    "ÉléphantRose",
])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(password: str) -> None:
    assert passwords.check_new_password(password) == password


def test_the_common_list_is_the_library_list_not_a_handful() -> None:
    assert len(passwords.common_passwords()) >= 10_000
    assert passwords.is_common("dragon") and not passwords.is_common("purple kettle river")


def _signed_in_elsewhere(app: Flask, user: User) -> str:
    with app.app_context():
        return auth_session.start_sign_in(db.session(), user, "test")


def test_an_admin_setting_a_password_keeps_the_rules_and_ends_their_sign_ins(app: Flask, world: World) -> None:
    parent_client = app.test_client()
    sign_in_as(parent_client, world.parent)
    assert parent_client.get("/family/").status_code == 200
    admin = app.test_client()
    sign_in_as(admin, world.admin)
    token = csrf_token(admin, "/admin/")
    form = {"display_name": "Nina Patel", "email": world.parent.email, "active": "on", "csrf_token": token}
    weak = admin.post(f"/admin/people/{world.parent.id}", data=form | {"password": "password123"})
    assert weak.status_code == 400 and "many people use" in weak.get_data(as_text=True)
    assert parent_client.get("/family/").status_code == 200  # nothing changed
    good = admin.post(f"/admin/people/{world.parent.id}", data=form | {"password": "blue heron at dawn"})
    assert good.status_code == 302
    assert parent_client.get("/family/").status_code == 302  # signed out there
    with app.app_context():
        open_ones = db.session().scalars(select(SignIn).where(SignIn.user_id == world.parent.id,
                                                              SignIn.ended_at.is_(None))).all()
        assert open_ones == []
        assert accounts.authenticate(db.session(), world.parent.email, "blue heron at dawn") is not None


def test_adding_a_person_with_a_common_password_is_refused(app: Flask, world: World) -> None:
    admin = app.test_client()
    sign_in_as(admin, world.admin)
    response = admin.post("/admin/people/new", data={
        "role": "staff", "display_name": "Jo Bell", "email": "jo@x.example", "password": "football123",
        "csrf_token": csrf_token(admin, "/admin/")})
    assert response.status_code == 400 and "many people use" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(User).where(User.email == "jo@x.example")) is None


def test_changing_a_password_bumps_the_session_version(app: Flask, world: World) -> None:
    _signed_in_elsewhere(app, world.ta)
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        before = ta.session_version
        passwords.change_password(dbs, ta, "a quiet green field", hash_method=FAST_HASH)
        dbs.commit()
        assert ta.session_version == before + 1
        assert dbs.scalars(select(SignIn).where(SignIn.user_id == ta.id, SignIn.ended_at.is_(None))).all() == []
