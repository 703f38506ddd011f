"""The offline entry page and the learner home's queue region, as the server sends them."""
from __future__ import annotations

import re

from flask import Flask

from portfolio.offline import sync
from tests.conftest import sign_in_as
from tests.factories import World


def test_offline_entry_page_has_every_choice_and_nothing_personal(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.learner)  # cached while someone is signed in: still nobody's page
    html = client.get("/offline/entry").get_data(as_text=True)
    assert "Sam" not in html and "Patel" not in html
    assert 'name="queue-owner"' not in html
    assert "csrf_token" not in html.replace("csrf_token()", "")
    assert "data-signed-out" not in html
    for value in ("placement", "volunteering"):
        assert f'id="offline-kind-{value}"' in html
    assert 'id="offline-photo-input"' in html and "data-recorder" in html
    assert 'id="offline-send"' in html
    assert "data-hx-post" not in html  # choices are kept by the script, never posted from here


def test_learner_pages_name_the_queue_owner_opaquely(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.learner)
    html = client.get("/me/").get_data(as_text=True)
    owner = re.search(r'<meta name="queue-owner" content="([0-9a-f]+)" data-sync="([^"]+)" data-key="([^"]+)"', html)
    assert owner is not None
    assert owner.group(1) == sync.queue_owner("test-secret", world.learner.id)
    assert owner.group(1) != sync.queue_owner("test-secret", world.other_learner.id)
    assert len(owner.group(1)) == 32  # a keyed hash, the same length whoever it names
    assert owner.group(2) == f"/sync/{world.learner.id}"
    assert owner.group(3) == sync.queue_key("test-secret", world.learner.id)
    assert 'id="offline-queue"' in html and "data-offline-queue" in html
    region = re.search(r'<div class="offline-queue"[^>]*></div>', html)
    assert region is not None  # empty in the page: the script fills it


def test_staff_and_signed_out_pages_carry_no_owner(app: Flask, world: World) -> None:
    client = app.test_client()
    signed_out = client.get("/").get_data(as_text=True)
    assert "data-signed-out" in signed_out and "queue-owner" not in signed_out
    sign_in_as(client, world.ta)
    staff = client.get("/staff/").get_data(as_text=True)
    assert "queue-owner" not in staff and "data-signed-out" not in staff


def test_a_staff_page_about_a_learner_opens_that_learners_queue_with_their_name(app: Flask, world: World) -> None:
    """A TA who opens Sam's page and then loses the network can make Sam's entry on /offline/entry:
    the page names Sam's queue (the same opaque owner as Sam's own pages) and his first name."""
    client = app.test_client()
    sign_in_as(client, world.ta)
    html = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    owner = re.search(r'<meta name="queue-owner" content="([0-9a-f]+)" data-sync="([^"]+)" data-key="([^"]+)"'
                      r' data-for="([^"]+)">', html)
    assert owner is not None
    assert owner.groups() == (sync.queue_owner("test-secret", world.learner.id), f"/sync/{world.learner.id}",
                              sync.queue_key("test-secret", world.learner.id), world.learner.first_name)
    assert 'id="offline-queue"' in html  # "Waiting to send" for Sam shows here too
    # The learner's own pages never carry a name, and the TA's other pages open no queue.
    sign_in_as(client, world.learner)
    assert "data-for=" not in client.get("/me/").get_data(as_text=True)


def test_a_parent_on_their_childs_page_opens_no_queue(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.parent)
    response = client.get(f"/family/learners/{world.learner.id}")
    assert response.status_code == 200 and "Sam" in response.get_data(as_text=True)
    assert "queue-owner" not in response.get_data(as_text=True)
