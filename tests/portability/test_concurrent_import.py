"""Four people importing the same portfolio zip at the same moment get one import between them.

The app uses its real file-backed SQLite database (the ``app`` fixture's instance folder) and each
thread its own signed-in client; each upload becomes a job, and the four jobs run on four threads at
once, so the imports really overlap: all four read "not imported yet"
before any has committed. The import record's UNIQUE (school, export) row is claimed first, so the
others wait for it, fail on it, and try again, finding the portfolio already here.
"""
from __future__ import annotations

import re

import io
import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.jobs import queue as job_queue
from portfolio.models import ImportRecord, User
from tests.conftest import sign_in_as
from tests.factories import World
from tests.jobs.helpers import job_url
from tests.portability.test_routes import _hillview_group
from tests.portability.test_service import Rich, export_bytes, media_files, rich, snapshot  # noqa: F401

IMPORTERS = 4


def _import_at_once(app: Flask, user: User, data: bytes, group_id: int) -> list[tuple[int, str]]:
    clients = []
    for _ in range(IMPORTERS):
        client = app.test_client()
        sign_in_as(client, user)
        clients.append(client)
    start = threading.Barrier(IMPORTERS)
    answers: list[tuple[int, str]] = []
    pages: list[tuple[FlaskClient, str]] = []

    def one(client) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        started = client.post("/portability/import", content_type="multipart/form-data", data={
            "portfolio": (io.BytesIO(data), "portfolio-sam-patel.zip"), "group_id": str(group_id)})
        pages.append((client, job_url(started)))

    threads = [threading.Thread(target=one, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job_queue.wait_for_threads(app)  # the four imports run as four jobs at once
    for client, url in pages:
        page = client.get(url)
        answers.append((page.status_code, page.get_data(as_text=True)))
    return answers


def test_four_imports_of_the_same_zip_at_once_make_one_learner(app: Flask, no_csrf: Flask, world: World,
                                                                rich: Rich) -> None:
    data = export_bytes(app, world.learner.id)
    group = _hillview_group(app, world)
    files_before = len(media_files(app))
    answers = _import_at_once(app, world.other_school_admin, data, group.id)

    assert sorted(status for status, _ in answers) == [200] * IMPORTERS
    imported = [html for _, html in answers if "Sam Patel’s portfolio is imported" in html]
    already = [html for _, html in answers if "Sam Patel’s portfolio is already here" in html]
    assert (len(imported), len(already)) == (1, IMPORTERS - 1)
    assert all("nothing new was added" in html for html in already)
    with app.app_context():
        dbs = db.session()
        hillview_sams = dbs.scalar(select(func.count()).select_from(User).where(
            User.school_id == world.other_school.id, User.display_name == "Sam Patel"))
        records = dbs.scalar(select(func.count()).select_from(ImportRecord))
    assert (hillview_sams, records) == (1, 1)

    # The same as one import alone: importing once more changes nothing, and the losers left no files.
    after = snapshot(app)
    again = _import_at_once(app, world.other_school_admin, data, group.id)
    # On failure, say what each answer's heading said, to tell a refusal from a different message.
    assert all(status == 200 and "already here" in html for status, html in again), [
        (status, re.sub(r"\s+", " ", html)[html.find("<h1"):][:300]) for status, html in again]
    assert snapshot(app) == after
    assert len(after["files"]) > files_before
