"""`open_store`: from a database URL to a migrated, ready store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from aimonitor.store.engine import make_engine, sqlite_path, upgrade_to_head
from aimonitor.store.errors import StoreUnavailable
from aimonitor.store.sql import SqlStore


def open_store(database_url: str, data_dir: Path) -> SqlStore:
    """Create `data_dir` (and the SQLite file's directory), connect, migrate to head.

    Raises StoreUnavailable when the database cannot be reached or migrated."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = sqlite_path(database_url)
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(f"cannot open the store: {type(exc).__name__}: {exc}") from exc
    return SqlStore(engine)
