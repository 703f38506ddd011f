"""Migration 0010: the sort day filled for entries made before it, the list indexes made and taken away."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from portfolio import create_app, db, migrate

INDEXES = {
    "experiences": {"ix_experiences_portfolio_order", "ix_experiences_status_order", "ix_experiences_queue_order",
                    "ix_experiences_draft_order"},
    "family_comments": {"ix_family_comments_order"},
    "share_links": {"ix_share_links_order"},
    "share_accesses": {"ix_share_accesses_order"},
    "users": {"ix_users_people_order"},
    "employers": {"ix_employers_directory_order"},
}


def _indexes(table: str) -> set[str]:
    return {index["name"] for index in inspect(db.engine()).get_indexes(table)}


def _downgrade(app, revision: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context(), db.engine().begin() as connection:
        config = migrate.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_existing_entries_get_their_sort_day_and_the_indexes_come_and_go(tmp_path: Path,
                                                                        own_database: dict[str, str]) -> None:
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", **own_database})
    migrate.upgrade(app, "0009")
    with app.app_context(), db.engine().begin() as connection:
        connection.execute(text("INSERT INTO schools (id, name, created_at) VALUES (1, 'Riverside', :at)"),
                           {"at": datetime(2026, 1, 1)})
        connection.execute(text(
            "INSERT INTO users (id, school_id, role, display_name, active, text_size, high_contrast, symbol_mode,"
            " session_version, created_at) VALUES (1, 1, 'learner', 'Sam', :yes, 'normal', :no, 'symbols-and-text', 1, :at)"),
            {"at": datetime(2026, 1, 1), "yes": True, "no": False})
        for row_id, start, made in [(1, date(2026, 2, 3), datetime(2026, 4, 1, 9)), (2, None, datetime(2026, 3, 9, 16))]:
            connection.execute(text(
                "INSERT INTO experiences (id, uid, school_id, learner_id, place, start_date, caption, caption_symbols,"
                " staff_note, status, step, check_note, created_at, updated_at)"
                " VALUES (:id, :uid, 1, 1, '', :start, '', '{}', '', 'shared', 'kind', '', :made, :made)"),
                {"id": row_id, "uid": f"uid-{row_id}", "start": start, "made": made})
    migrate.upgrade(app)
    with app.app_context():
        rows = dict(db.engine().connect().execute(text("SELECT id, sort_on FROM experiences")).all())
        assert {key: str(value) for key, value in rows.items()} == {1: "2026-02-03", 2: "2026-03-09"}
        for table, names in INDEXES.items():
            assert names <= _indexes(table), table
    _downgrade(app, "0009")
    with app.app_context():
        for table, names in INDEXES.items():
            assert not names & _indexes(table), table
        assert "sort_on" not in {column["name"] for column in inspect(db.engine()).get_columns("experiences")}
