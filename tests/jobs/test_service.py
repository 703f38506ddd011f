"""Job rows: how a job runs, what a failure leaves behind, and what its page says at each state."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portfolio import db
from portfolio.errors import KindError
from portfolio.jobs import service as jobs
from portfolio.media.storage import media_store
from portfolio.models import AuditEvent, Job, MediaFile, School, User, utcnow
from tests.factories import World


# Work functions for the runner's own tests, named in KINDS by dotted path like the real ones.
def _makes_a_file(context: jobs.JobContext, job: Job) -> jobs.Outcome:
    made, change = jobs.keep_file(context.dbs, context.store, job.school_id, b"%PDF-1.4 made", "application/pdf", "pdf")
    return jobs.Outcome(message="Your PDF is ready.", media=made, download_name="made.pdf", change=change)


def _refuses(context: jobs.JobContext, job: Job) -> jobs.Outcome:
    context.dbs.add(School(name="Half-made school"))
    context.dbs.flush()
    raise KindError("This portfolio file is not one we can read.")


def _breaks(context: jobs.JobContext, job: Job) -> jobs.Outcome:
    raise RuntimeError("a bug")


@pytest.fixture
def test_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, name in (("makes-file", "_makes_a_file"), ("refuses", "_refuses"), ("breaks", "_breaks")):
        monkeypatch.setitem(jobs.KINDS, kind, f"tests.jobs.test_service:{name}")


def _run(app: Flask, world: World, kind: str, **arguments: object) -> Job:
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        assert ta is not None
        job = jobs.create(dbs, kind, ta, learner_id=world.learner.id, arguments=dict(arguments))
        dbs.commit()
        assert job.state == jobs.WAITING
        finished = jobs.run(jobs.JobContext(dbs=dbs, store=media_store(), settings=app.config), job.id)
        assert finished is not None
        return finished


def test_a_job_that_makes_a_file_is_done_with_its_download(app: Flask, world: World, test_kinds: None) -> None:
    job = _run(app, world, "makes-file")
    assert (job.state, job.message, job.result_name) == (jobs.DONE, "Your PDF is ready.", "made.pdf")
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at
    with app.app_context():
        made = db.session().get(MediaFile, job.result_media_id)
        assert made is not None and media_store().read(made.key) == b"%PDF-1.4 made"
    assert jobs.progress(job) == jobs.Progress(jobs.DONE, "Your PDF is ready.", "done", True)


def test_a_refusal_undoes_the_work_and_becomes_the_message(app: Flask, world: World, test_kinds: None) -> None:
    job = _run(app, world, "refuses")
    assert (job.state, job.message) == (jobs.FAILED, "This portfolio file is not one we can read.")
    with app.app_context():
        assert db.session().scalar(select(School).where(School.name == "Half-made school")) is None
    assert jobs.progress(job).symbol == "warning" and jobs.progress(job).finished


def test_a_bug_is_a_kind_failure_not_a_crash(app: Flask, world: World, test_kinds: None) -> None:
    job = _run(app, world, "breaks")
    assert (job.state, job.message) == (jobs.FAILED, jobs.SOMETHING_WENT_WRONG)


def test_an_uploaded_file_is_removed_when_the_job_is_over(app: Flask, world: World, test_kinds: None) -> None:
    for kind in ("makes-file", "refuses"):
        with app.app_context():  # a fresh upload for each, since the first job removes it
            dbs = db.session()
            upload, _change = jobs.keep_file(dbs, media_store(), world.school.id, b"PK", "application/zip", "zip")
            dbs.commit()
            upload_id, key = upload.id, upload.key
        _run(app, world, kind, upload_media_id=upload_id)
        with app.app_context():
            assert db.session().get(MediaFile, upload_id) is None
            assert not media_store().exists(key), kind


def test_a_job_runs_once_however_often_it_is_handed_over(app: Flask, world: World, test_kinds: None) -> None:
    job = _run(app, world, "makes-file")
    with app.app_context():
        dbs = db.session()
        again = jobs.run(jobs.JobContext(dbs=dbs, store=media_store(), settings=app.config), job.id)
        assert again is not None and again.result_media_id == job.result_media_id
        assert len(dbs.scalars(select(MediaFile).where(MediaFile.key.like("jobs/%"))).all()) == 1


def test_the_work_is_on_the_audit_trail_as_the_person_who_asked(app: Flask, world: World) -> None:
    """The import job's rows are recorded as the admin's (tests/audit/test_reads.py checks the detail);
    here, the session a job runs in acts as its owner."""
    from portfolio.audit.listener import ACTOR_KEY

    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        assert ta is not None
        job = jobs.create(dbs, "review-pdf", ta, learner_id=world.learner.id, arguments={"pack_id": 0})
        dbs.commit()
        finished = jobs.run(jobs.JobContext(dbs=dbs, store=media_store(), settings=app.config), job.id)
        assert finished is not None and finished.state == jobs.FAILED  # there is no pack 0
        assert dbs.info[ACTOR_KEY] is ta
        assert "no longer here" in finished.message
        assert dbs.scalar(select(AuditEvent).where(AuditEvent.record_id == job.id,
                                                   AuditEvent.record_kind == "jobs")) is None


def test_progress_in_words_at_each_state(app: Flask, world: World) -> None:
    now = utcnow()
    waiting = Job(kind="review-pdf", state=jobs.WAITING)
    working = Job(kind="review-pdf", state=jobs.WORKING, started_at=now - timedelta(seconds=5))
    importing = Job(kind="import", state=jobs.WORKING, started_at=now)
    stale = Job(kind="import", state=jobs.WORKING, started_at=now - jobs.STALE_AFTER - timedelta(minutes=1))
    assert jobs.progress(waiting, now) == jobs.Progress(jobs.WAITING, jobs.WAITING_WORDS, "waiting", False)
    assert jobs.progress(working, now) == jobs.Progress(jobs.WORKING, "Making your PDF…", "waiting", False)
    assert jobs.progress(importing, now).words == "Importing the portfolio…"
    assert jobs.progress(stale, now) == jobs.Progress(jobs.FAILED, jobs.TOOK_TOO_LONG, "warning", True)


def test_an_unknown_kind_is_refused(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        with pytest.raises(ValueError):
            jobs.create(dbs, "mine-bitcoin", dbs.get(User, world.ta.id))  # type: ignore[arg-type]


def test_erasing_a_learner_removes_their_jobs_and_the_files_they_made(app: Flask, world: World,
                                                                       test_kinds: None) -> None:
    from portfolio.erasure import service as erasure
    from portfolio.media.changes import commit_or_clean_up

    about_them = _run(app, world, "makes-file")
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        assert learner is not None
        their_own = jobs.create(dbs, "review-pdf", learner, arguments={"pack_id": 0})  # asked for by the learner
        dbs.commit()
        made = dbs.get(MediaFile, about_them.result_media_id)
        assert made is not None
        key, own_id = made.key, their_own.id
        found = erasure.erase_learner(dbs, learner, dbs.get(User, world.admin.id), learner.display_name)
        commit_or_clean_up(dbs, media_store(), found.change)
        assert dbs.get(Job, about_them.id) is None and dbs.get(Job, own_id) is None
        assert dbs.get(MediaFile, about_them.result_media_id) is None and not media_store().exists(key)


def test_old_finished_jobs_and_their_files_are_pruned(app: Flask, world: World, test_kinds: None, runner) -> None:  # type: ignore[no-untyped-def]
    old, recent = _run(app, world, "makes-file"), _run(app, world, "makes-file")
    waiting_id = None
    with app.app_context():
        dbs = db.session()
        dbs.get(Job, old.id).finished_at = utcnow() - timedelta(days=8)  # type: ignore[union-attr]
        waiting = jobs.create(dbs, "review-pdf", dbs.get(User, world.ta.id), arguments={"pack_id": 0})
        waiting.created_at = utcnow() - timedelta(days=30)
        dbs.commit()
        waiting_id = waiting.id
        old_key = dbs.get(MediaFile, old.result_media_id).key  # type: ignore[union-attr]
    result = runner.invoke(args=["jobs", "prune", "--days", "7"])
    assert result.exit_code == 0 and "Forgot 1 finished job(s) and deleted 1 file(s)." in result.output
    with app.app_context():
        dbs = db.session()
        assert dbs.get(Job, old.id) is None and not media_store().exists(old_key)
        assert dbs.get(Job, recent.id) is not None and dbs.get(Job, waiting_id) is not None
