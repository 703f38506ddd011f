"""The migrations build the schema the models describe, and come down again, on SQLite and PostgreSQL.

Run with ``DATABASE_URL`` set to a PostgreSQL server (``make test`` does, in its second pass), these
same tests check PostgreSQL; without it they check SQLite.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, text

from portfolio import create_app, db, migrate
from portfolio.db import Base


def _downgrade(app: Flask, revision: str) -> None:
    with app.app_context(), db.engine().begin() as connection:
        config = migrate.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _tables(app: Flask) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine()).get_table_names()) - {"alembic_version"}


def _version(app: Flask) -> str | None:
    with app.app_context(), db.engine().connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _differences(app: Flask) -> list[Any]:
    """What ``flask db autogenerate`` would write: every table, column, type, nullability, index,
    unique constraint and foreign key the models have and the migrated database lacks, or the reverse."""
    with app.app_context(), db.engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_migrations_go_up_down_to_nothing_and_up_again(tmp_path: Path, own_database: dict[str, str]) -> None:
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", **own_database})
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    migrate.upgrade(app)
    assert _version(app) == head
    assert _tables(app) == set(Base.metadata.tables)
    _downgrade(app, "base")
    assert _tables(app) == set() and _version(app) is None
    migrate.upgrade(app)
    assert _version(app) == head and _tables(app) == set(Base.metadata.tables)
    assert _differences(app) == []


def test_each_migration_comes_down_and_goes_up_again_one_step_at_a_time(tmp_path: Path,
                                                                      own_database: dict[str, str]) -> None:
    """From head, each revision's downgrade undoes exactly its upgrade: step down one, up one, and the
    schema is what it was, all the way to the first."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", **own_database})
    migrate.upgrade(app)
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [revision.revision for revision in script.walk_revisions()]  # newest first
    assert len(revisions) >= 10
    for revision in revisions:
        before = _schema(app)
        assert before, revision
        _downgrade(app, "-1")
        assert _version(app) != revision
        migrate.upgrade(app, "+1")
        assert _version(app) == revision and _schema(app) == before, revision
        _downgrade(app, "-1")
    assert _tables(app) == set()


def _schema(app: Flask) -> dict[str, Any]:
    """Each table's columns (name, type, nullable), indexes, unique constraints and foreign keys, in a
    form that compares equal when the schema is the same."""
    with app.app_context():
        inspector = inspect(db.engine())  # the get_multi_ forms ask once for every table, not once per table
        columns, indexes = inspector.get_multi_columns(), inspector.get_multi_indexes()
        uniques, foreign = inspector.get_multi_unique_constraints(), inspector.get_multi_foreign_keys()
        return {key[1]: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in columns[key]),
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in indexes[key]),
            sorted((tuple(u["column_names"]),) for u in uniques[key]),
            sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in foreign[key]),
        ) for key in columns}


def test_the_models_and_the_migrations_agree(app: Flask) -> None:
    """Autogenerate against the migrated database finds nothing to write."""
    assert _differences(app) == []


def test_the_database_is_the_one_asked_for(app: Flask) -> None:
    """The suite's second pass really runs on PostgreSQL: what DATABASE_URL names is what the app uses."""
    import os

    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    with app.app_context(), db.engine().connect() as connection:
        assert connection.dialect.name == wanted
        if wanted == "postgresql":
            assert connection.execute(text("SHOW server_version_num")).scalar_one() >= "150000"
