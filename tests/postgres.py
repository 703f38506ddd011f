"""Running the suite on PostgreSQL as well as SQLite.

``DATABASE_URL=postgresql+psycopg://user:password@host/name pytest`` runs every test against
PostgreSQL. The run works in a schema of its own inside that database (``search_path`` is set on
each connection through the URL), so two runs at once, or a developer's own tables, never meet, and
it is dropped at the end. The schema is migrated once; after each test every table is emptied
and every id sequence set back to 1, which gives each test what SQLite's fresh file gives it (no
rows, ids from 1) for a few milliseconds.

Why not simpler: ``TRUNCATE`` of forty tables makes new files for each table and index and took
over a second a test here; ``CREATE``/``DROP DATABASE`` each wait for a checkpoint. Plain
``DELETE`` in reverse dependency order of near-empty tables, in one round trip, does neither.

Tests that need a schema of their own (the migration tests go down to nothing and up again)
ask for one through the ``own_database`` fixture.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

SQLITE_ONLY = "SQLite only: it checks the embedded database's file, PRAGMAs or online backup"


def requested_url() -> URL | None:
    """The PostgreSQL database the run was pointed at, or None for the embedded SQLite default."""
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        return None
    for old in ("postgres://", "postgresql://"):
        if raw.startswith(old):
            raw = "postgresql+psycopg://" + raw[len(old):]
    url = make_url(raw)
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(f"the tests run on SQLite or PostgreSQL, not {url.get_backend_name()}")
    return url


def _running(pid: int) -> bool:
    """Whether a process with this id lives on this machine (a run's schemas carry its pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunSchemas:
    """The schemas of one pytest run, all in the database DATABASE_URL names."""

    def __init__(self, server: URL) -> None:
        self.server = server
        self.prefix = f"t{os.getpid()}_{secrets.token_hex(3)}"
        self.made: list[str] = []
        self._admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.tables: list[str] = []

    def drop_stale(self) -> None:
        """Drop schemas left by runs that were killed before they could clean up: their process is gone
        from this machine and no connection carries their name."""
        with self._admin.connect() as connection:
            names = connection.execute(text(
                r"SELECT nspname FROM pg_namespace WHERE nspname ~ '^t[0-9]+_[0-9a-f]{6}_' AND NOT EXISTS "
                "(SELECT FROM pg_stat_activity WHERE application_name = substring(nspname from '^t[0-9]+_[0-9a-f]{6}'))"
            )).scalars().all()
            for name in names:
                if not _running(int(name[1:].split("_", 1)[0])):
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))

    def fresh_schema(self, label: str) -> str:
        """Create an empty schema and return a URL whose connections work in it (password included)."""
        name = f"{self.prefix}_{label}".lower()
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        self.made.append(name)
        # Nothing here must outlive a crash, so commits need not wait for the disk.
        url = self.server.update_query_dict({"options": f"-csearch_path={name} -csynchronous_commit=off",
                                             "application_name": self.prefix})
        return url.render_as_string(hide_password=False)

    def migrate_main(self) -> str:
        """The run's shared schema, migrated to head once; remembers its tables, children first."""
        url = self.fresh_schema("main")
        from portfolio import create_app, migrate
        from portfolio.db import Base

        with tempfile.TemporaryDirectory() as instance:
            app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "migrate", "DATABASE_URL": url})
            migrate.upgrade(app)
            engine = app.extensions["db_engine"]
            with engine.connect() as connection:
                present = set(connection.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
            engine.dispose()
        ordered = [table.name for table in reversed(Base.metadata.sorted_tables) if table.name in present]
        self.tables = ordered + sorted(present - set(ordered) - {"alembic_version"})
        return url

    def drop_all(self) -> None:
        """Drop every schema this run made, ending first any connection a test left open in them."""
        with self._admin.connect() as connection:
            end_connections(connection, self.prefix)
            for name in self.made:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.made.clear()
        self._admin.dispose()


def end_connections(connection: Connection, application_name: str) -> None:
    """End this run's other connections (named by ``application_name``), never another run's."""
    connection.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = :name"),
        {"name": application_name})


# Every engine a test opens (the app fixture's, and any app a test builds itself), so each can be
# closed after the test: an idle pooled connection is harmless, but thousands of them would use up
# the server's connection slots.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def track_engines() -> None:
    """Remember each engine the first time it connects."""
    @event.listens_for(Engine, "engine_connect")
    def _remember(connection: Connection) -> None:
        _engines.add(connection.engine)


def close_engines(keep: Engine) -> None:
    for engine in list(_engines):
        if engine is not keep:
            engine.dispose()
    _engines.clear()


class Cleaner:
    """Empties the run's shared schema after each test, in one round trip."""

    def __init__(self, url: str, tables: list[str], application_name: str) -> None:
        self.application_name = application_name
        self.engine = create_engine(url, pool_size=1)
        deletes = "".join(f'DELETE FROM "{table}";' for table in tables)
        restart = ("SELECT setval(c.oid, 1, false) FROM pg_class c "
                   "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace;")
        self.script = "SET LOCAL lock_timeout = '10s';" + deletes + restart

    def empty(self) -> None:
        """A test that left a transaction open holding row locks must not hang the run: after ten
        seconds its connection is ended and the emptying tried again."""
        close_engines(keep=self.engine)
        try:
            self._run()
        except DBAPIError:
            with self.engine.begin() as connection:
                end_connections(connection, self.application_name)
            self._run()

    def _run(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.script)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def deletes_refused(session: Session, table: str) -> Iterator[None]:
    """A trigger that makes the database refuse every delete from ``table`` with an integrity error, as a
    constraint would, on either database; taken away again afterwards (PostgreSQL's schema is shared)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(
            "CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'rows are kept' USING ERRCODE = 'integrity_constraint_violation'; END $$"))
        session.execute(text(f'CREATE TRIGGER refuse_delete BEFORE DELETE ON "{table}" '
                             "FOR EACH ROW EXECUTE FUNCTION refuse_delete()"))
        drop = [f'DROP TRIGGER refuse_delete ON "{table}"', "DROP FUNCTION refuse_delete()"]
    else:
        session.execute(text(f'CREATE TRIGGER refuse_delete BEFORE DELETE ON "{table}" '
                             "BEGIN SELECT RAISE(ABORT, 'rows are kept'); END"))
        drop = ["DROP TRIGGER refuse_delete"]
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        for statement in drop:
            session.execute(text(statement))
        session.commit()
