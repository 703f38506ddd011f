"""Two app servers at once, as a trust runs them behind a load balancer: nothing depends on which answers.

Two gunicorn instances on different loopback ports, each with its own instance folder (so nothing
local is shared), share what production shares: the database (PostgreSQL when the run has one, else
one SQLite file both open), Redis (sign-in limits and the job queue) and the media store (S3, through
moto's server on loopback). One person signs in on the first server and carries on on the second,
uploads a photo through one and sees it through the other, signs out on one and is signed out on
both; and wrong passwords sent to both servers in turn meet one shared limit.

redis-server and moto are test dependencies: if one will not start, the test fails rather than skips.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portfolio import create_app, db, migrate
from portfolio.models import ExperiencePhoto, ReviewPack
from tests.conftest import FIXTURES
from tests.factories import FAST_HASH, PASSWORD, World, make_experience, make_world
from tests.media.conftest import s3_bucket, s3_credentials, s3_endpoint  # noqa: F401  (fixtures)
from tests.people.test_shared_limits import GUNICORN, ROOT
from tests.processes import free_port, redis_url, stop, wait_for  # noqa: F401  (redis_url: a fixture)

SECRET = "two-servers-secret"
LIMIT_PER_MINUTE = 10  # the default LOGIN_RATE_LIMIT's first window


@dataclass
class Shared:
    """What both servers are given: the same settings, except each its own instance folder."""

    env: dict[str, str]
    world: World
    entry_id: int
    pack_id: int


def _prepare(settings: dict[str, str], instance: Path) -> Shared:
    """Migrate the shared database and put a small school in it, through the same settings the servers get."""
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET, "SPEECH_ENABLED": False,
                      "PASSWORD_HASH_METHOD": FAST_HASH, **settings})
    migrate.upgrade(app)
    with app.app_context():
        dbs = db.session()
        world = make_world(dbs)
        entry = make_experience(dbs, world.learner, world.ta)
        pack = ReviewPack(school_id=world.school.id, learner_id=world.learner.id, date_from=date(2026, 1, 1),
                          date_to=date(2026, 7, 31))
        dbs.add(pack)
        dbs.commit()
        entry_id, pack_id = entry.id, pack.id
    db_engine = app.extensions["db_engine"]
    db_engine.dispose()
    return Shared(env=settings, world=world, entry_id=entry_id, pack_id=pack_id)


@pytest.fixture
def shared(tmp_path: Path, own_database: dict[str, str], redis_url: str, s3_bucket: str,  # noqa: F811
           s3_endpoint: str) -> Shared:  # noqa: F811
    database = own_database.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    settings = {"DATABASE_URL": database, "MEDIA_STORE": f"s3://{s3_bucket}/media", "S3_ENDPOINT_URL": s3_endpoint,
                "RATELIMIT_STORAGE_URI": redis_url, "JOBS_REDIS_URL": redis_url}
    return _prepare(settings, tmp_path / "preparing")


def _start(shared: Shared, instance: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, **shared.env, "PORTFOLIO_INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET,
           "SPEECH_ENABLED": "0"}
    env.pop("LOGIN_RATE_LIMIT", None)
    with log.open("wb") as output:
        process = subprocess.Popen([str(GUNICORN), "-w", "1", "-b", f"127.0.0.1:{port}", "portfolio:create_app()"],
                                   cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{base}/login", timeout=5).status == 200, "gunicorn", 60)
    except AssertionError:
        stop(process)
        raise AssertionError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
    return process, base


@pytest.fixture
def servers(shared: Shared, tmp_path: Path) -> Iterator[tuple[str, str]]:
    first = _start(shared, tmp_path / "instance-a", tmp_path / "a.log")
    try:
        second = _start(shared, tmp_path / "instance-b", tmp_path / "b.log")
    except BaseException:
        stop(first[0])
        raise
    try:
        yield first[1], second[1]
    finally:
        stop(first[0])
        stop(second[0])


class Browser:
    """One person's browser: its cookies go to both servers (cookies are kept per host, not per port)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirects())

    def get(self, url: str) -> tuple[int, str, bytes]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None,
             ) -> tuple[int, str, bytes]:
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self._open(urllib.request.Request(url, data=body, headers={"Content-Type": content_type}))

    def token(self, url: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(url)[2].decode())
        assert found, f"no CSRF token on {url}"
        return found.group(1)

    def _open(self, request: urllib.request.Request) -> tuple[int, str, bytes]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as answered:
            return answered.code, answered.headers.get("Location", ""), answered.read()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check (a sign-in page or not), so they are not followed."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, data, mimetype) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mimetype}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _photo_ids(shared: Shared, tmp_path: Path) -> list[int]:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "reading"), "SECRET_KEY": SECRET, "SPEECH_ENABLED": False,
                      **shared.env})
    with app.app_context():
        ids = list(db.session().scalars(select(ExperiencePhoto.id)
                                        .where(ExperiencePhoto.experience_id == shared.entry_id)))
    app.extensions["db_engine"].dispose()
    return ids


def test_a_person_carries_on_across_two_servers(shared: Shared, servers: tuple[str, str], tmp_path: Path) -> None:
    a, b = servers
    ta = shared.world.ta
    browser = Browser()
    status, location, _ = browser.post(f"{a}/login", {"email": ta.email, "password": PASSWORD,
                                                       "csrf_token": browser.token(f"{a}/login")})
    assert status == 302 and "/login" not in location, "signed in on the first server"

    status, _, page = browser.get(f"{b}/staff/")
    assert status == 200 and ta.display_name in page.decode(), "the second server knows who this is"

    # A photo uploaded through the second server (with a CSRF token the first server's page gave) ...
    token = browser.token(f"{a}/experiences/{shared.entry_id}/edit")
    photo = (FIXTURES / "photo_small.png").read_bytes()
    status, _, _ = browser.post(f"{b}/experiences/{shared.entry_id}/photos", {"csrf_token": token},
                                {"photo": ("photo.png", photo, "image/png")})
    assert status in (200, 302, 303)
    (photo_id,) = _photo_ids(shared, tmp_path)
    # ... is served by the first, from the shared store.
    for server in (a, b):
        status, _, thumb = browser.get(f"{server}/experiences/{shared.entry_id}/photos/{photo_id}/thumb")
        assert status == 200 and thumb[:3] == b"\xff\xd8\xff", server  # the JPEG thumbnail the upload made

    # Signing out on one server signs the person out on both.
    status, _, _ = browser.post(f"{b}/logout", {"csrf_token": browser.token(f"{b}/staff/")})
    assert status in (302, 303)
    status, location, _ = browser.get(f"{a}/staff/")
    assert status == 302 and "/login" in location


def test_the_sign_in_limit_holds_across_both_servers(shared: Shared, servers: tuple[str, str]) -> None:
    a, b = servers
    browser = Browser()
    token = browser.token(f"{a}/login")
    statuses = [browser.post(f"{(a, b)[n % 2]}/login", {"email": shared.world.ta.email, "csrf_token": token,
                                                       "password": f"wrong guess {n}"})[0]
                for n in range(LIMIT_PER_MINUTE + 2)]
    assert statuses[:LIMIT_PER_MINUTE] == [401] * LIMIT_PER_MINUTE  # five wrong guesses on each server
    assert statuses[LIMIT_PER_MINUTE:] == [429, 429]  # then refused by both, whichever is asked


def test_a_job_started_on_one_server_is_run_by_a_worker_and_shown_by_the_other(shared: Shared, servers: tuple[str, str],
                                                                              tmp_path: Path) -> None:
    a, b = servers
    browser = Browser()
    browser.post(f"{a}/login", {"email": shared.world.ta.email, "password": PASSWORD,
                                "csrf_token": browser.token(f"{a}/login")})
    pack = f"/learners/{shared.world.learner.id}/reviews/{shared.pack_id}"
    status, location, _ = browser.post(f"{a}{pack}/pdf", {"csrf_token": browser.token(f"{a}{pack}")})
    assert status == 303 and re.fullmatch(r"/jobs/\d+", urllib.parse.urlsplit(location).path), location
    job = urllib.parse.urlsplit(location).path
    assert "Waiting to start" in browser.get(f"{b}{job}")[2].decode()  # queued in Redis, not run by a server

    env = {**os.environ, **shared.env, "PORTFOLIO_INSTANCE_PATH": str(tmp_path / "worker"), "SECRET_KEY": SECRET,
           "SPEECH_ENABLED": "0"}
    worker = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "portfolio", "jobs", "worker", "--burst"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert worker.returncode == 0, worker.stderr[-2000:]

    status, _, page = browser.get(f"{b}{job}")
    assert status == 200 and "Your PDF is ready." in page.decode()
    status, _, pdf = browser.get(f"{a}{job}/download")  # the file is in the shared store
    assert status == 200 and pdf[:5] == b"%PDF-"
