"""The database engine and session, shared by the whole app.

SQLite in the instance folder is the embedded default; ``DATABASE_URL`` moves the same
code to PostgreSQL. Schema changes go through Alembic (``portfolio/migrations``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base for every model."""


# Every id column is declared ``Integer``: 64 bits in SQLite, but 32 in PostgreSQL, which refuses a
# larger number with an error (a 500) instead of finding nothing. Ids from a URL, a form or a query
# string beyond this are things that cannot exist, on either database.
LARGEST_ID = 2**31 - 1
# The embedded database's file in the instance folder.
SQLITE_FILE = "portfolio.sqlite3"


def database_url(app: Flask) -> str:
    """Pick the configured URL, defaulting to SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        # Hosting platforms still hand out the old scheme name.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return "sqlite:///" + str(Path(app.instance_path) / SQLITE_FILE)


def _lower(value: Any) -> Any:
    """SQL ``lower()`` for SQLite, folding every alphabet as PostgreSQL's does (NULL stays NULL)."""
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while a TA saves; foreign keys keep schools apart. SQLite's own lower()
    folds only A to Z; Python's folds every letter, as PostgreSQL's does, so a search for "école"
    finds "ÉCOLE" on both databases."""
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    engine = make_engine(database_url(app))
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """One session per application context (so per request, or per CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    db_session: Session | None = g.pop("db_session", None)
    if db_session is not None:
        if exc is not None:
            db_session.rollback()
        db_session.close()
