"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, plus a ready-made world."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter
from flask import Flask
from flask.testing import FlaskClient

import config as app_config
from portfolio import create_app, db, migrate
from portfolio.media.storage import media_store
from portfolio.models import User
from portfolio.people import sessions as auth_session
from tests import postgres
from tests.factories import FAST_HASH, PASSWORD, Entries, World, make_entries, make_world
from tests.web.page_checks import PageCheckingClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"

# Set when DATABASE_URL names a PostgreSQL server (see tests/postgres.py); None on SQLite.
_POSTGRES: postgres.RunSchemas | None = None
_CLEANER: postgres.Cleaner | None = None
_SQLITE_ONLY = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    """On PostgreSQL, make and migrate this run's own schema and point every app at it.
    A server that cannot be reached fails the whole run here, loudly, before any test."""
    global _POSTGRES, _CLEANER
    config.addinivalue_line("markers", f"sqlite_only(reason): {postgres.SQLITE_ONLY}; not run on PostgreSQL")
    config.addinivalue_line("markers", "with_service_worker: browser contexts let the app's service worker run")
    server = postgres.requested_url()
    if server is None or _POSTGRES is not None or _shares_out_tests(config):
        return
    _POSTGRES = postgres.RunSchemas(server)
    _POSTGRES.drop_stale()
    url = _POSTGRES.migrate_main()
    os.environ["DATABASE_URL"] = url
    app_config.Config.DATABASE_URL = url  # read from the environment at import, so set here too
    _CLEANER = postgres.Cleaner(url, _POSTGRES.tables, _POSTGRES.prefix)
    postgres.track_engines()


def _shares_out_tests(config: pytest.Config) -> bool:
    """Whether this process only hands tests to pytest-xdist workers (``-n 2``): each worker makes
    and migrates its own schema, so the process that runs no test needs none."""
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and "PYTEST_XDIST_WORKER" not in os.environ


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``sqlite_only`` checks the embedded database itself (its file, PRAGMAs, online
    backup); the PostgreSQL pass leaves it out, and says so in its summary, since the SQLite pass runs it."""
    if _POSTGRES is None:
        return
    left_out = [item for item in items if item.get_closest_marker("sqlite_only")]
    if left_out:
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]
        config.hook.pytest_deselected(items=left_out)
        config.stash[_SQLITE_ONLY] = [item.nodeid for item in left_out]


def pytest_terminal_summary(terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    left_out = config.stash.get(_SQLITE_ONLY, [])
    if left_out:
        terminalreporter.write_sep("-", f"{len(left_out)} SQLite-only tests left to the SQLite pass")
        for nodeid in left_out:
            terminalreporter.write_line(nodeid)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _POSTGRES, _CLEANER
    if _CLEANER is not None:
        _CLEANER.dispose()
        _CLEANER = None
    if _POSTGRES is not None:
        _POSTGRES.drop_all()
        _POSTGRES = None


def pytest_report_header(config: pytest.Config) -> str:
    if _POSTGRES is not None:
        return f"database: PostgreSQL {_POSTGRES.prefix}"
    if postgres.requested_url() is not None:
        return "database: PostgreSQL, a schema for each worker"
    return "database: SQLite, a new file per test"


@pytest.fixture(autouse=True)
def _empty_postgres() -> Iterator[None]:
    """On PostgreSQL every test shares the run's schema, so each leaves it empty (ids from 1 again)."""
    yield
    if _CLEANER is not None:
        _CLEANER.empty()


@pytest.fixture(autouse=True)
def _jobs_finish(_empty_postgres: None) -> Iterator[None]:
    """A PDF or import a test started on a background thread finishes before the next test (and before
    the PostgreSQL tables are emptied), so no job writes into another test's rows."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("job:"):
            thread.join(60)


@pytest.fixture(scope="session")
def postgres_run() -> postgres.RunSchemas | None:
    """This run's PostgreSQL schemas (for a test that needs one of its own), or None on SQLite."""
    return _POSTGRES


@pytest.fixture
def own_database(request: pytest.FixtureRequest) -> dict[str, str]:
    """App settings for a database nobody else uses, for tests that migrate up and down themselves:
    nothing on SQLite (each instance folder has its own file), a new empty schema on PostgreSQL."""
    if _POSTGRES is None:
        return {}
    return {"DATABASE_URL": _POSTGRES.fresh_schema(f"own{len(_POSTGRES.made)}")}


def _test_settings(folder: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "SPEECH_CACHE_DIR": str(folder / "speech"),
        "INTERFACE_AUDIO_DIR": str(folder / "audio"),
    }


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """One SQLite database migrated to the newest revision, made once per test process: every test
    starts from a copy of it, the same file ``migrate.upgrade`` would make, without running every
    migration again for each of two thousand tests. None on PostgreSQL (its schema is migrated once)."""
    if _POSTGRES is not None:
        return None
    folder = tmp_path_factory.mktemp("migrated")
    made = create_app(_test_settings(folder))
    migrate.upgrade(made)
    with made.app_context():
        source = Path(made.instance_path) / db.SQLITE_FILE
        db.engine().dispose()
    template = folder / "template.sqlite3"
    # SQLite's online backup copies every page, including any still in the write-ahead log.
    with sqlite3.connect(source) as live, sqlite3.connect(template) as copy:
        live.backup(copy)
    live.close()
    copy.close()
    return template


@pytest.fixture
def app(tmp_path: Path, _migrated_sqlite: Path | None) -> Iterator[Flask]:
    if _migrated_sqlite is not None:
        (tmp_path / "instance").mkdir()
        shutil.copyfile(_migrated_sqlite, tmp_path / "instance" / db.SQLITE_FILE)
    app = create_app(_test_settings(tmp_path))
    app.test_client_class = PageCheckingClient
    yield app
    engine = app.extensions.get("speech")
    if engine is not None:
        engine.shutdown()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        return make_world(db.session())


@pytest.fixture
def entries(app: Flask, world: World) -> Entries:
    """The world's learner with a draft, a waiting and a shared entry (photo, voice, a comment)."""
    with app.app_context():
        return make_entries(db.session(), world, media_store(), (FIXTURES / "photo_small.png").read_bytes(),
                            (FIXTURES / "voice_chrome.webm").read_bytes())


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    """Most route tests exercise behaviour, not CSRF; the CSRF tests keep it on."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in_as(client: FlaskClient, user: User, *, via_form: bool = False) -> None:
    """Sign in. ``via_form`` goes through the real login form (rate-limited, so used sparingly);
    otherwise the session is set up the way ``auth_session.sign_in`` leaves it."""
    if via_form:
        token = csrf_token(client)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return
    with client.application.app_context():
        token = auth_session.start_sign_in(db.session(), user, "test")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session[auth_session.SIGN_IN_KEY] = token
        session["_fresh"] = True
        session["last_seen"] = time.time()
