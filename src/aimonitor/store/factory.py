"""`open_store`: from a database URL to a migrated, ready store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from aimonitor.store.engine import make_engine, sqlite_path, upgrade_to_head
from aimonitor.store.errors import StoreUnavailable
from aimonitor.store.slo_hours import SloThresholds
from aimonitor.store.sql import SqlStore

MEMORY_URL = "sqlite://"


def open_store(
    database_url: str, data_dir: Path | None = None, slo: SloThresholds | None = None
) -> SqlStore:
    """Create `data_dir` (and the SQLite file's directory), connect, migrate to head.
    `slo`: the thresholds of the hourly SLI counts (the defaults when None).

    `open_store("sqlite://")` is a private in-memory database, shared by the threads of
    this process and gone when it is closed: the throw-away store of tests and tools.

    Raises StoreUnavailable when the database cannot be reached or migrated."""
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    db_file = sqlite_path(database_url)
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine, slo)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(f"cannot open the store: {type(exc).__name__}: {exc}") from exc
    return SqlStore(engine, slo)


def memory_store() -> SqlStore:
    """A migrated SQLite database in memory (see `open_store`)."""
    return open_store(MEMORY_URL)
