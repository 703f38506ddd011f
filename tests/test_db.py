"""The embedded database: SQLite in the instance folder with WAL, busy timeout and foreign keys."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from portfolio import create_app, db
from portfolio.db import database_url


@pytest.mark.sqlite_only("the embedded database's file and PRAGMAs")
def test_sqlite_lives_in_the_instance_folder_with_wal_and_foreign_keys(app: Flask) -> None:
    with app.app_context():
        assert database_url(app).endswith(str(Path(app.instance_path) / "portfolio.sqlite3"))
        connection = db.session().connection()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_migrations_create_every_table(app: Flask) -> None:
    with app.app_context():
        tables = set(inspect(db.engine()).get_table_names())
    assert {"schools", "groups", "users", "login_cards", "trusted_tablets", "staff_groups", "parent_links",
            "alembic_version"} <= tables


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "DATABASE_URL": "postgres://user:pw@db.example:5432/portfolio"})
    assert database_url(app) == "postgresql+psycopg://user:pw@db.example:5432/portfolio"
    assert app.extensions["db_engine"].dialect.name == "postgresql"


def test_workers_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    """Gunicorn's workers start at once on a fresh instance; a cookie signed by one must open on another."""
    import threading
    from types import SimpleNamespace

    from portfolio import _secret_key

    start = threading.Barrier(8)
    keys: list[str] = []

    def worker() -> None:
        start.wait()
        keys.append(_secret_key(SimpleNamespace(instance_path=str(tmp_path))))  # type: ignore[arg-type]

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert keys[0] == (tmp_path / "secret_key").read_text() and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no half-made files left behind


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
