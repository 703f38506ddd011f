"""Accounts and password sign-in, without HTTP."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portfolio import create_app, db
from portfolio.models import Role, User
from portfolio.people import accounts
from tests.factories import PASSWORD, World


def test_production_passwords_use_scrypt(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        method = app.config["PASSWORD_HASH_METHOD"]
    assert method == "scrypt" and accounts.hash_password("a long password", method).startswith("scrypt:")


def test_authenticate(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        assert accounts.authenticate(session, world.ta.email, PASSWORD).id == world.ta.id
        assert accounts.authenticate(session, world.ta.email, "nope") is None
        assert accounts.authenticate(session, "nobody@example.org", PASSWORD) is None


def test_learners_for_each_role(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        get = lambda u: session.get(User, u.id)  # noqa: E731
        assert [l.id for l in accounts.learners_for(session, get(world.ta))] == [world.learner.id]
        assert {l.id for l in accounts.learners_for(session, get(world.admin))} == {world.learner.id, world.other_learner.id}
        assert [l.id for l in accounts.learners_for(session, get(world.parent))] == [world.learner.id]
        assert accounts.learners_for(session, get(world.other_school_admin))[0].id == world.other_school_learner.id


def test_group_from_another_school_is_refused(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        with pytest.raises(accounts.AccountError):
            accounts.create_person(session, session.get(type(world.school), world.other_school.id),
                                   accounts.PersonDetails("X", Role.LEARNER, group_id=world.group.id))
