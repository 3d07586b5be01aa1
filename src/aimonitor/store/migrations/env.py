"""Alembic environment. There is no alembic.ini: `aimonitor.store.migrate` builds the
Config in code and passes an open connection in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from aimonitor.store.schema import metadata

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode recreates tables when needed.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
