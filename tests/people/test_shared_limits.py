"""The sign-in limit holds across gunicorn workers when the limiter keeps its counts in Redis.

This runs the README's production command for real: its own ``redis-server`` on a free loopback
port, and ``gunicorn -w 2`` serving the app from a file-backed SQLite instance. Guesses are sent
two at a time, so while one sync worker is busy the other must answer; the access log names the
worker (its pid) for each guess, which shows both took part. With memory storage each worker
counts on its own and the 11th guess gets through; with Redis it is refused.

redis-server is a test dependency like Chromium (``make system-deps`` and ``.ci/run`` install it):
if it is missing the test fails rather than skipping, so CI cannot pass without checking this.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from portfolio import create_app, db, migrate
from tests.factories import FAST_HASH, World, make_world
from tests.processes import free_port, redis_url, stop, wait_for  # noqa: F401  (redis_url: a fixture)

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIMIT_PER_MINUTE = 10  # the default LOGIN_RATE_LIMIT's first window


def _prepare_instance(instance: Path) -> World:
    """A file-backed SQLite database with the migrations applied and a small world in it."""
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "shared-limits", "SPEECH_ENABLED": False,
                      "PASSWORD_HASH_METHOD": FAST_HASH})
    migrate.upgrade(app)
    with app.app_context():
        world = make_world(db.session())
        db.session().commit()
        return world


def _start_gunicorn(instance: Path, storage: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PORTFOLIO_INSTANCE_PATH": str(instance), "SECRET_KEY": "shared-limits",
           "SPEECH_ENABLED": "0", "RATELIMIT_STORAGE_URI": storage}
    env.pop("LOGIN_RATE_LIMIT", None)
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "--access-logformat", '%(p)s "%(r)s" %(s)s', "portfolio:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: urllib.request.urlopen(f"{base}/login", timeout=5).status == 200, "gunicorn")
    wait_for(lambda: _both_workers_serve(base, log), "gunicorn's second worker")
    return process, base


def _both_workers_serve(base: str, log: Path) -> bool:
    """Two page loads at once, then whether two workers have answered pages so far: each worker loads
    the app on its own, and on a busy machine the second may still be starting when the first answers."""
    loads = [threading.Thread(target=lambda: urllib.request.urlopen(f"{base}/login", timeout=10).read())
             for _ in range(2)]
    for load in loads:
        load.start()
    for load in loads:
        load.join()
    return len({line.split(" ", 1)[0] for line in log.read_text().splitlines() if '"GET /login' in line}) == 2


class Guesser:
    """A browser of sorts: keeps the session cookie and the sign-in form's CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(f"{base}/login", timeout=10).read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, "no CSRF token on the sign-in page"
        self.token = found.group(1)

    def guess(self, email: str, password: str) -> int:
        body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": self.token}).encode()
        try:
            return self.opener.open(f"{self.base}/login", data=body, timeout=10).status
        except urllib.error.HTTPError as refused:
            return refused.code


def _guesses_in_pairs(guesser: Guesser, email: str, pairs: int) -> list[int]:
    """Two guesses at once, ``pairs`` times: a sync worker serves one request at a time, so the
    second of each pair is answered by the other worker."""
    statuses: list[int] = []
    for pair in range(pairs):
        barrier = threading.Barrier(2)
        answers: list[int] = []

        def one(n: int, pair: int = pair, barrier: threading.Barrier = barrier, answers: list[int] = answers) -> None:
            barrier.wait()
            answers.append(guesser.guess(email, f"wrong guess {pair}-{n}"))

        threads = [threading.Thread(target=one, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses += answers
    return statuses


def _workers_that_answered(log: Path) -> set[str]:
    return {line.split(" ", 1)[0] for line in log.read_text().splitlines() if '"POST /login' in line}


def _eleven_guesses(tmp_path: Path, storage: str) -> tuple[list[int], int, set[str]]:
    instance = tmp_path / "instance"
    world = _prepare_instance(instance)
    log = tmp_path / "access.log"
    process, base = _start_gunicorn(instance, storage, log)
    try:
        guesser = Guesser(base)
        first_ten = _guesses_in_pairs(guesser, world.ta.email, LIMIT_PER_MINUTE // 2)
        eleventh = guesser.guess(world.ta.email, "the eleventh wrong guess")
    finally:
        stop(process)
    return first_ten, eleventh, _workers_that_answered(log)


def test_eleven_guesses_through_two_workers_meet_the_limit_with_redis(tmp_path: Path, redis_url: str) -> None:
    first_ten, eleventh, workers = _eleven_guesses(tmp_path, redis_url)
    assert len(workers) == 2, f"both workers should have answered guesses: {workers}"
    assert first_ten == [401] * LIMIT_PER_MINUTE
    assert eleventh == 429


def test_with_memory_storage_each_worker_counts_alone(tmp_path: Path) -> None:
    """Why the shared store matters: the same guesses with per-process memory get an 11th try."""
    first_ten, eleventh, workers = _eleven_guesses(tmp_path, "memory://")
    assert len(workers) == 2, f"both workers should have answered guesses: {workers}"
    assert first_ten == [401] * LIMIT_PER_MINUTE
    assert eleventh == 401
