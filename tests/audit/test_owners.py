"""Every table that holds a learner's data is placed: audited row by row, a link, a log, or named as not
learner data with a reason. A new table that points at a learner and is in none of them fails here."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from portfolio.audit import owners
from portfolio.db import Base


def holds_learner_data(table: Table) -> bool:
    """A learner_id column, or a foreign key to people or to any row the trail follows."""
    if "learner_id" in table.c:
        return True
    followed = owners.PEOPLE_TABLES | set(owners.OWNERS) | set(owners.LINKS) | set(owners.LOGS)
    return any(key.column.table.name in followed for key in table.foreign_keys)


PLACES = (owners.OWNERS, owners.LINKS, owners.LOGS, owners.NOT_LEARNER_DATA)


def test_every_table_holding_learner_data_is_placed() -> None:
    placed = set().union(*PLACES)
    unplaced = sorted(name for name, table in Base.metadata.tables.items()
                      if holds_learner_data(table) and name not in placed)
    assert unplaced == [], f"tables with a learner's data that the audit trail does not know about: {unplaced}"


def test_each_table_is_placed_once_and_exists() -> None:
    names = [name for place in PLACES for name in place]
    assert len(names) == len(set(names))
    assert set(names) - set(Base.metadata.tables) == set()


def test_the_check_finds_a_new_table_that_points_at_a_learner() -> None:
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table("experiences", metadata, Column("id", Integer, primary_key=True))
    by_column = Table("learner_notes", metadata, Column("id", Integer, primary_key=True),
                      Column("learner_id", Integer))
    by_key = Table("entry_stickers", metadata, Column("id", Integer, primary_key=True),
                   Column("entry", ForeignKey("experiences.id")))
    unrelated = Table("weather", metadata, Column("id", Integer, primary_key=True))
    assert holds_learner_data(by_column) and holds_learner_data(by_key)
    assert not holds_learner_data(unrelated)


def test_the_subject_access_export_has_everything_the_trail_follows() -> None:
    assert owners.exported_tables() == set(owners.OWNERS) | set(owners.LINKS) | set(owners.LOGS)
    assert "audit_events" in owners.exported_tables() and "sign_ins" in owners.exported_tables()
