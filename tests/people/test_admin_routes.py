"""The careers leader manages people, groups and links through pages."""
from __future__ import annotations

import json

from flask import Flask

from portfolio import db
from portfolio.models import Group, User
from tests.conftest import FIXTURES, csrf_token, sign_in_as
from tests.factories import World


def admin_client(app: Flask, world: World):
    client = app.test_client()
    sign_in_as(client, world.admin)
    return client, csrf_token(client, "/admin/")


def test_admin_adds_a_learner_with_group_and_picture(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    response = client.post("/admin/people/new", data={
        "role": "learner", "display_name": "Ali Musa", "group_id": str(world.group.id), "picture_symbol": "star",
        "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        ali = db.session().query(User).filter_by(display_name="Ali Musa").one()
        assert ali.role == "learner" and ali.group_id == world.group.id and ali.email is None


def test_admin_adds_staff_then_puts_them_in_a_group(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    client.post("/admin/people/new", data={"role": "staff", "display_name": "Jo Bell", "email": "jo@x.example",
                                           "password": "long enough pw", "csrf_token": token})
    with app.app_context():
        jo = db.session().query(User).filter_by(email="jo@x.example").one()
        jo_id = jo.id
        assert jo.password_hash.startswith(("pbkdf2", "scrypt"))
    client.post(f"/admin/people/{jo_id}", data={"display_name": "Jo Bell", "email": "jo@x.example", "active": "on",
                                                "staff_group_ids": [str(world.other_group.id)], "csrf_token": token})
    with app.app_context():
        assert [g.id for g in db.session().get(User, jo_id).staff_groups] == [world.other_group.id]


def test_admin_links_a_parent_to_a_child(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    client.post(f"/admin/people/{world.parent.id}", data={
        "display_name": "Nina Patel", "email": world.parent.email, "active": "on",
        "child_ids": [str(world.learner.id), str(world.other_learner.id)], "csrf_token": token})
    with app.app_context():
        assert {c.id for c in db.session().get(User, world.parent.id).children} == {world.learner.id, world.other_learner.id}


def test_links_to_another_schools_records_are_refused(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    response = client.post(f"/admin/people/{world.parent.id}", data={
        "display_name": "Nina Patel", "email": world.parent.email, "active": "on",
        "child_ids": [str(world.other_school_learner.id)], "csrf_token": token})
    assert response.status_code == 400 and "Choose learners from your school." in response.get_data(as_text=True)
    with app.app_context():
        assert [c.id for c in db.session().get(User, world.parent.id).children] == [world.learner.id]


def test_duplicate_email_and_short_password_get_clear_messages(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    taken = client.post("/admin/people/new", data={"role": "parent", "display_name": "X", "email": world.ta.email,
                                                   "password": "long enough pw", "csrf_token": token})
    assert taken.status_code == 400 and "already uses that email" in taken.get_data(as_text=True)
    short = client.post("/admin/people/new", data={"role": "parent", "display_name": "X", "email": "new@x.example",
                                                   "password": "short", "csrf_token": token})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    assert 'value="X"' in short.get_data(as_text=True)  # what was typed is kept


def test_switching_an_account_off_signs_them_out(app: Flask, world: World) -> None:
    ta_client = app.test_client()
    sign_in_as(ta_client, world.ta)
    client, token = admin_client(app, world)
    client.post(f"/admin/people/{world.ta.id}", data={"display_name": "Priya Shah", "email": world.ta.email,
                                                      "csrf_token": token})
    assert ta_client.get("/staff/").status_code == 302


def test_admin_cannot_switch_themselves_off(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    client.post(f"/admin/people/{world.admin.id}", data={"display_name": "Helen Carter", "email": world.admin.email,
                                                         "csrf_token": token})
    assert client.get("/admin/").status_code == 200


def test_groups_are_created_and_named_uniquely(app: Flask, world: World) -> None:
    client, token = admin_client(app, world)
    assert client.post("/admin/groups", data={"name": "Ash class", "csrf_token": token}).status_code == 302
    again = client.post("/admin/groups", data={"name": "Ash class", "csrf_token": token})
    assert again.status_code == 400 and "already a group" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session().query(Group).filter_by(name="Ash class", school_id=world.school.id).count() == 1


def test_hostile_names_are_stored_intact_and_shown_inert(app: Flask, world: World) -> None:
    hostile = json.loads((FIXTURES / "hostile_text.json").read_text())
    client, token = admin_client(app, world)
    for key in ("script", "attribute", "template"):
        text = hostile[key]
        response = client.post("/admin/people/new", data={"role": "learner", "display_name": text,
                                                          "picture_symbol": "star", "csrf_token": token})
        assert response.status_code == 302
        with app.app_context():
            stored = db.session().query(User).filter_by(display_name=text).one()
            page = client.get(f"/admin/people/{stored.id}").get_data(as_text=True)
        if any(ch in text for ch in "<>\""):
            assert text not in page.split("</head>", 1)[1]  # markup characters are never raw in the body
    listing = client.get("/admin/people").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;caption&#39;)&lt;/script&gt;" in listing
    assert "&#34; onmouseover=&#34;alert(1)" in listing
    assert "{{ config.SECRET_KEY }}" in listing and app.config["SECRET_KEY"] not in listing
