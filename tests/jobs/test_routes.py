"""A job's page: progress that asks again every second, then the result; and the in-process runner."""
from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from portfolio import db
from portfolio.jobs import service as jobs
from portfolio.media.storage import media_store
from portfolio.models import Experience, Job, User
from portfolio.reviews import service as annual_review
from tests.conftest import sign_in_as
from tests.factories import Entries, World
from tests.jobs.helpers import download_from, finished_page, job_url


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def final_pack(app: Flask, world: World, entries: Entries) -> int:
    """A finalised review pack of the learner's shared entry, made the way staff make one."""
    with app.app_context():
        dbs = db.session()
        learner, ta = dbs.get(User, world.learner.id), dbs.get(User, world.ta.id)
        shared = dbs.get(Experience, entries.shared.id)
        assert learner is not None and ta is not None and shared is not None and shared.start_date
        day = shared.start_date.isoformat()
        pack = annual_review.create(dbs, learner, ta, day, day)
        annual_review.finalise(dbs, media_store(), pack, ta)
        dbs.commit()
        return pack.id


def _job(app: Flask, world: World, owner_id: int, kind: str = "review-pdf", **fields: object) -> int:
    """A job row as a page finds it at some moment, without handing it to anyone to run."""
    with app.app_context():
        dbs = db.session()
        owner = dbs.get(User, owner_id)
        assert owner is not None
        job = jobs.create(dbs, kind, owner, learner_id=world.learner.id, arguments={"pack_id": 0})
        for name, value in fields.items():
            setattr(job, name, value)
        dbs.commit()
        return job.id


def test_the_pack_pdf_is_made_in_the_background_then_downloaded(no_csrf: Flask, world: World,
                                                              entries: Entries) -> None:
    pack_id = final_pack(no_csrf, world, entries)
    learner = _client(no_csrf, world.learner)
    pack_page = learner.get(f"/learners/{world.learner.id}/reviews/{pack_id}").get_data(as_text=True)
    assert f'action="/learners/{world.learner.id}/reviews/{pack_id}/pdf"' in pack_page and "Make a PDF" in pack_page
    started = learner.post(f"/learners/{world.learner.id}/reviews/{pack_id}/pdf")
    ready = finished_page(no_csrf, learner, started)
    html = ready.get_data(as_text=True)
    assert "Your PDF is ready." in html and 'data-state="done"' in html and "every 1s" not in html
    assert "Download the PDF" in html and "button-learner" in html  # learner-sized for the learner's own job
    pdf = download_from(learner, ready)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert re.fullmatch(r'attachment; filename="my-views-sam-\d{4}-\d\d-\d\d\.pdf"', pdf.headers["Content-Disposition"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "My views" in text and "Sam Patel" in text and "Green Fingers Garden Centre" in text


def test_a_waiting_job_says_so_and_asks_again_every_second(app: Flask, world: World) -> None:
    job_id = _job(app, world, world.ta.id)
    ta = _client(app, world.ta)
    page = ta.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert jobs.WAITING_WORDS in page and 'data-state="waiting"' in page
    assert f'data-hx-get="/jobs/{job_id}"' in page and 'data-hx-trigger="every 1s"' in page
    assert f'href="/jobs/{job_id}"' in page and "Check again" in page  # without JavaScript, a link
    assert "/symbols/waiting.svg" in page
    assert ta.get(f"/jobs/{job_id}/download").status_code == 404  # nothing to download yet


def test_htmx_gets_only_the_progress_while_it_works(app: Flask, world: World) -> None:
    job_id = _job(app, world, world.ta.id, state=jobs.WORKING, started_at=None)
    with app.app_context():
        job = db.session().get(Job, job_id)
        assert job is not None
    ta = _client(app, world.ta)
    fragment = ta.get(f"/jobs/{job_id}", headers={"HX-Request": "true", "HX-Target": "job-progress"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="job-progress"')
    assert "Making your PDF…" in html and 'data-hx-trigger="every 1s"' in html
    assert "HX-Target" in fragment.headers["Vary"]


def test_a_failed_import_says_why_and_offers_the_form_again(app: Flask, world: World) -> None:
    with app.app_context():
        admin_id = world.admin.id
    job_id = _job(app, world, admin_id, kind="import", state=jobs.FAILED,
                  message="This file is not a portfolio. Please choose it again.",
                  arguments={"group_id": world.group.id})
    page = _client(app, world.admin).get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "This file is not a portfolio." in page and "/symbols/warning.svg" in page
    assert f'href="/portability/import?group_id={world.group.id}"' in page and "every 1s" not in page


def test_the_job_page_after_posting_is_a_redirect_not_a_blank_wait(no_csrf: Flask, world: World,
                                                                   entries: Entries) -> None:
    pack_id = final_pack(no_csrf, world, entries)
    ta = _client(no_csrf, world.ta)
    url = job_url(ta.post(f"/learners/{world.learner.id}/reviews/{pack_id}/pdf"))
    first = ta.get(url).get_data(as_text=True)  # whatever state it has reached, it says so in words
    assert re.search(r'data-state="(waiting|working|done)"', first)
    assert "Waiting to start" in first or "Making your PDF…" in first or "Your PDF is ready." in first
