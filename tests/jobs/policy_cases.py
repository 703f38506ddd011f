"""Access matrix cases for job pages: the person who asked, and the staff who support the learner."""
from __future__ import annotations

from typing import Any

from flask import Flask

from portfolio import db
from portfolio.jobs import service as jobs
from portfolio.media.storage import media_store
from portfolio.models import User
from tests.factories import Entries, World
from tests.web.policy_matrix import SUPPORT, Case

# A TA's job about the learner: that TA, and the admin who supports every learner.
STAFF_JOB = SUPPORT
# The learner's own job (their pack's PDF): the learner too; their parent did not ask for it.
LEARNERS_JOB = SUPPORT | {"learner": 200}


def _done_pdf_job(owner: User, learner: User) -> int:
    dbs = db.session()
    job = jobs.create(dbs, "review-pdf", owner, learner_id=learner.id, arguments={"pack_id": 0})
    made, _change = jobs.keep_file(dbs, media_store(), owner.school_id, b"%PDF-1.4 matrix", "application/pdf", "pdf")
    job.state, job.message, job.result_media_id, job.result_name = jobs.DONE, "Your PDF is ready.", made.id, "a.pdf"
    dbs.commit()
    return job.id


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        dbs = db.session()
        learner, ta = dbs.get(User, world.learner.id), dbs.get(User, world.ta.id)
        assert learner is not None and ta is not None
        return {"ta_job": _done_pdf_job(ta, learner), "learners_job": _done_pdf_job(learner, learner)}


CASES = [
    Case("jobs.job_page", "GET", lambda w: f"/jobs/{w.ta_job}", STAFF_JOB),
    Case("jobs.job_page", "GET", lambda w: f"/jobs/{w.learners_job}", LEARNERS_JOB),
    Case("jobs.download", "GET", lambda w: f"/jobs/{w.ta_job}/download", STAFF_JOB),
    Case("jobs.download", "GET", lambda w: f"/jobs/{w.learners_job}/download", LEARNERS_JOB),
]
