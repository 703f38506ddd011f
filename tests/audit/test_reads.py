"""Reads and bulk operations the school would expect on the trail: an About me page opened, a portable
portfolio exported or imported, a review pack's PDF downloaded."""
from __future__ import annotations

import io
from datetime import date

from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.models import AuditEvent, Group, ReviewPack, User
from portfolio.sharing import service as sharing
from tests.conftest import sign_in_as
from tests.factories import Entries, World
from tests.portability.test_service import export_bytes


def _since(app: Flask, last: int) -> list[tuple[str, str, int | None, int | None, str, str]]:
    with app.app_context():
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id))
        return [(e.action, e.record_kind, e.learner_id, e.actor_id, e.actor_role, e.detail) for e in events]


def _newest(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_opening_an_about_me_page_is_recorded_but_not_its_pictures(app: Flask, world: World,
                                                                  entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        learner, ta = dbs.get(User, world.learner.id), dbs.get(User, world.ta.id)
        issued = sharing.create_link(dbs, learner, ta, audience="Green Fingers", sections=[],
                                     experience_ids=[entries.shared.id])
        dbs.commit()
    start = _newest(app)
    visitor = app.test_client()
    assert visitor.get(f"/share/{issued.token}").status_code == 200
    assert _since(app, start) == [("viewed", "share_links", world.learner.id, None, "visitor", "About me page")]
    assert visitor.get("/share/not-a-real-token").status_code in (404, 410)
    assert len(_since(app, start)) == 1  # a wrong link opens nothing, so records nothing


def test_a_portable_export_through_the_page_is_recorded(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = no_csrf.test_client()
    sign_in_as(client, world.ta)
    start = _newest(no_csrf)
    response = client.post(f"/portability/learners/{world.learner.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert _since(no_csrf, start) == [("exported", "users", world.learner.id, world.ta.id, "staff",
                                       "portable portfolio")]


def test_an_import_is_recorded_with_its_counts(no_csrf: Flask, world: World, entries: Entries) -> None:
    data = export_bytes(no_csrf, world.learner.id)
    with no_csrf.app_context():
        group = db.session().scalar(select(Group).where(Group.school_id == world.other_school.id))
        assert group is not None
    client = no_csrf.test_client()
    sign_in_as(client, world.other_school_admin)
    start = _newest(no_csrf)
    from tests.jobs.helpers import finished_page

    finished_page(no_csrf, client, client.post("/portability/import", data={
        "group_id": str(group.id), "portfolio": (io.BytesIO(data), "portfolio.zip")}))
    events = _since(no_csrf, start)
    (imported,) = [e for e in events if e[0] == "imported"]
    admin = world.other_school_admin.id
    assert imported[1:] == ("import_records", imported[2], admin, "admin",
                            ("portable portfolio: 3 entries, 0 passport statements, 0 plan years, "
                             "0 review packs, 0 activities"))
    # every row the import made is on the new learner's trail, as made by the admin who imported it
    made = {kind for action, kind, learner_id, actor_id, _role, _detail in events
            if action == "created" and learner_id == imported[2] and actor_id == admin}
    assert made >= {"users", "experiences", "experience_tags", "experience_photos", "family_comments"}


def test_a_review_pack_pdf_download_is_recorded(no_csrf: Flask, world: World, entries: Entries) -> None:
    with no_csrf.app_context():
        dbs = db.session()
        pack = ReviewPack(school_id=world.school.id, learner_id=world.learner.id, date_from=date(2026, 1, 1),
                          date_to=date(2026, 7, 1))
        dbs.add(pack)
        dbs.commit()
        pack_id = pack.id
    client = no_csrf.test_client()
    sign_in_as(client, world.ta)
    start = _newest(no_csrf)
    from tests.jobs.helpers import download_from, finished_page

    ready = finished_page(no_csrf, client, client.post(f"/learners/{world.learner.id}/reviews/{pack_id}/pdf"))
    response = download_from(client, ready)
    assert response.mimetype == "application/pdf"
    assert _since(no_csrf, start) == [("exported", "review_packs", world.learner.id, world.ta.id, "staff",
                                       "review pack PDF")]
    assert io.BytesIO(response.get_data()).read(5) == b"%PDF-"
