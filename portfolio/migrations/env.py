"""Alembic environment. The app hands over a live connection, so no ini file is needed."""
from __future__ import annotations

from alembic import context

from portfolio import models  # noqa: F401  (registers every table on Base.metadata)
from portfolio.db import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
