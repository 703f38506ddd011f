"""The trail page, its CSV and the subject access download, through the app as the careers leader uses them."""
from __future__ import annotations

import csv
import io
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portfolio import db
from portfolio.audit import log
from portfolio.models import AuditEvent, User
from tests.conftest import sign_in_as
from tests.factories import Entries, World


def _trail(world: World, query: str = "") -> str:
    return f"/stewardship/learners/{world.learner.id}/trail{query}"


def _viewed(app: Flask, world: World, count: int) -> list[int]:
    with app.app_context():
        dbs = db.session()
        made = [log.record(dbs, action="viewed", record_kind="share_links", record_id=n, learner_id=world.learner.id,
                           school_id=world.school.id, actor_role="visitor", detail="About me page")
                for n in range(count)]
        dbs.commit()
        return [event.id for event in made]


def test_the_admin_reaches_the_trail_from_the_learners_page(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.admin)
    page = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert _trail(world) in page
    html = client.get(_trail(world)).get_data(as_text=True)
    assert "Audit trail: Sam Patel" in html
    assert "The trail is whole" in html
    assert "Added" in html and "Account" in html  # the learner's own account being made


def test_a_ta_sees_no_link_to_the_trail(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    page = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert "/stewardship/" not in page


def test_show_more_pages_on_with_the_filters_kept(app: Flask, client: FlaskClient, world: World) -> None:
    ids = _viewed(app, world, 55)
    sign_in_as(client, world.admin)
    html = client.get(_trail(world, "?action=viewed")).get_data(as_text=True)
    assert html.count('id="event-') == 50 and f'id="event-{ids[-1]}"' in html
    more = f"/stewardship/learners/{world.learner.id}/trail?before={ids[5]}&amp;action=viewed"
    assert more in html
    rest = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('id="event-') == 5 and "someone with a link" in rest
    assert 'id="show-more"' not in rest


def test_a_bad_date_is_a_kind_400(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.admin)
    response = client.get(_trail(world, "?from=soon"))
    assert response.status_code == 400
    assert "for example 2026-09-01" in response.get_data(as_text=True)


def test_a_changed_event_is_named_on_the_page(app: Flask, client: FlaskClient, world: World) -> None:
    ids = _viewed(app, world, 3)
    with app.app_context():
        dbs = db.session()
        dbs.execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(record_id=99))
        dbs.commit()
    sign_in_as(client, world.admin)
    html = client.get(_trail(world)).get_data(as_text=True)
    assert f"The trail has a break at event {ids[1]}" in html
    assert "The trail is whole" not in html


def test_the_csv_download_is_filtered_safe_and_recorded(app: Flask, client: FlaskClient, world: World) -> None:
    _viewed(app, world, 4)
    sign_in_as(client, world.admin)
    response = client.get(_trail(world, ".csv?action=viewed"))
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "When (UTC)" and len(rows) == 5
    assert {row[1] for row in rows[1:]} == {"someone with a link"}
    with app.app_context():
        newest = db.session().scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (newest.action, newest.record_kind, newest.actor_id) == ("exported", "audit_events", world.admin.id)


def test_subject_access_downloads_a_zip_and_goes_on_the_trail(app: Flask, client: FlaskClient, world: World,
                                                              entries: Entries, no_csrf: Flask) -> None:
    sign_in_as(client, world.admin)
    response = client.post(f"/stewardship/learners/{world.learner.id}/subject-access")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "subject-access-sam-patel-" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert {"index.html", "portable/portfolio.zip", "data/entries.json"} <= set(archive.namelist())
    html = client.get(_trail(world, "?action=exported")).get_data(as_text=True)
    assert "subject access" in html and "Helen Carter" in html


def test_the_trail_names_a_staff_change_made_through_a_page(app: Flask, client: FlaskClient, world: World,
                                                            no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    client.post(f"/staff/learners/{world.learner.id}/settings", data={"text_size": "large", "symbol_mode":
                                                                       "symbols-and-text"})
    with app.app_context():
        learner = db.session().get(User, world.learner.id)
        assert learner is not None and learner.text_size == "large"
    admin = client.application.test_client()
    sign_in_as(admin, world.admin)
    html = admin.get(_trail(world, "?action=changed&kind=users")).get_data(as_text=True)
    assert "Priya Shah" in html and "text_size" in html
