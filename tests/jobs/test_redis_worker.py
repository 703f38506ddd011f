"""Jobs on a real Redis, run by a real worker process: ``flask --app portfolio jobs worker``.

The test starts its own ``redis-server`` on a free loopback port (as the shared sign-in limits test
does), sets ``JOBS_REDIS_URL``, and starts a PDF and an import from their pages. Nothing runs in the
app's process: the jobs wait on the queue until a separate worker process (``--burst``: it stops when
the queue is empty) runs them against the same database and media store. The pages then show the
results, read from the same rows the in-process runner writes.
"""
from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.jobs import queue as job_queue
from portfolio.jobs import service as jobs
from portfolio.models import Job, User
from tests.conftest import sign_in_as
from tests.factories import Entries, World
from tests.jobs.helpers import download_from, job_url
from tests.jobs.test_routes import final_pack
from tests.portability.test_routes import _hillview_group
from tests.portability.test_service import export_bytes
from tests.processes import redis_url  # noqa: F401  (a fixture: its own redis-server)

ROOT = Path(__file__).resolve().parents[2]
FLASK = ROOT / ".venv" / "bin" / "flask"


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _state(app: Flask, url: str) -> str:
    with app.app_context():
        job = db.session().get(Job, int(url.rsplit("/", 1)[1]))
        assert job is not None
        return job.state


def _run_worker(app: Flask, redis: str, *, speech: bool = False) -> subprocess.CompletedProcess[str]:
    """A separate worker process, configured only through the environment, as in production."""
    env = {**os.environ, "PORTFOLIO_INSTANCE_PATH": app.instance_path, "SECRET_KEY": app.config["SECRET_KEY"],
           "JOBS_REDIS_URL": redis, "SPEECH_ENABLED": "1" if speech else "0"}
    return subprocess.run([str(FLASK), "--app", "portfolio", "jobs", "worker", "--burst"], cwd=ROOT, env=env, check=False,
                          capture_output=True, text=True, timeout=180)


def test_a_worker_process_makes_the_pdf_and_imports_the_portfolio(no_csrf: Flask, world: World, entries: Entries,
                                                                   redis_url: str) -> None:  # noqa: F811
    pack_id = final_pack(no_csrf, world, entries)
    portfolio_zip = export_bytes(no_csrf, world.learner.id)
    no_csrf.config["JOBS_REDIS_URL"] = redis_url
    ta = _client(no_csrf, world.ta)
    pdf_url = job_url(ta.post(f"/learners/{world.learner.id}/reviews/{pack_id}/pdf"))
    admin = _client(no_csrf, world.other_school_admin)
    import_url = job_url(admin.post("/portability/import", content_type="multipart/form-data", data={
        "portfolio": (io.BytesIO(portfolio_zip), "portfolio-sam-patel.zip"),
        "group_id": str(_hillview_group(no_csrf, world).id)}))

    # Queued, not run here: no thread was started and both pages say they are waiting.
    assert no_csrf.extensions.get("job_threads", []) == []
    assert (_state(no_csrf, pdf_url), _state(no_csrf, import_url)) == (jobs.WAITING, jobs.WAITING)
    assert jobs.WAITING_WORDS in ta.get(pdf_url).get_data(as_text=True)
    assert len(job_queue.rq_queue(redis_url)) == 2

    worker = _run_worker(no_csrf, redis_url)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert len(job_queue.rq_queue(redis_url)) == 0

    ready = ta.get(pdf_url)
    assert "Your PDF is ready." in ready.get_data(as_text=True)
    pdf = download_from(ta, ready)
    assert pdf.mimetype == "application/pdf" and pdf.get_data()[:5] == b"%PDF-"
    imported = admin.get(import_url).get_data(as_text=True)
    assert "Sam Patel’s portfolio is imported" in imported and "needs a new login card" in imported


def test_the_worker_command_needs_redis(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "JOBS_REDIS_URL" in result.output


def test_with_redis_unreachable_the_app_runs_the_job_itself(no_csrf: Flask, world: World, entries: Entries) -> None:
    """A stopped Redis must not leave a person waiting for ever: the job runs in this process."""
    pack_id = final_pack(no_csrf, world, entries)
    no_csrf.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    ta = _client(no_csrf, world.ta)
    url = job_url(ta.post(f"/learners/{world.learner.id}/reviews/{pack_id}/pdf"))
    job_queue.wait_for_threads(no_csrf)
    assert _state(no_csrf, url) == jobs.DONE
