"""Run Alembic migrations from inside the app, on the app's own engine."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from portfolio import db

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> AlembicConfig:
    """Alembic is imported here, not at the top: it costs every worker about 0.3 s of start-up,
    and only ``init-db``, the demo and the tests migrate."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    with app.app_context(), db.engine().begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        from alembic import command

        command.upgrade(config, revision)


def autogenerate(app: Flask, message: str) -> None:
    """For developers: write a new migration from the difference between models and database."""
    with app.app_context(), db.engine().begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        from alembic import command

        command.revision(config, message=message, autogenerate=True)
