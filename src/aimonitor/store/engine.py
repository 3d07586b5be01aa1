"""Engines for the two supported databases, and the migration to head.

SQLite: WAL journal (readers never wait for the writer), `busy_timeout` so concurrent
writers wait instead of failing, `synchronous=FULL` because audit records must survive
a power cut once committed. Write transactions start with `BEGIN IMMEDIATE`, taking
the write lock up front so that reading the chain head and appending to it is atomic
even with several processes on one file.

PostgreSQL: `postgresql://` URLs are sent to psycopg 3 (the `postgres` extra).

Both hide bound parameters from error messages: they may carry prompt text, and error
messages end up in logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from aimonitor.store.slo_hours import SloThresholds

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option asking the SQLite begin hook for BEGIN IMMEDIATE.
WRITE_TRANSACTION = "aimonitor_write"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant: the PostgreSQL advisory lock that serialises concurrent migrations.
_MIGRATION_LOCK_ID = 0x41494D4F


def normalise_url(database_url: str) -> str:
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def make_engine(database_url: str) -> Engine:
    url = normalise_url(database_url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        options: dict[str, Any] = {}
        if sqlite_path(url) is None:
            # In-memory database: one shared connection, or every thread sees its own empty DB.
            options = {"poolclass": StaticPool}
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **options,
        )
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {"connect_timeout": 5} if backend == "postgresql" else {}
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, connect_args=connect_args)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin hook, not the sqlite3 module, decide when transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_TRANSACTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(engine: Engine, slo: SloThresholds | None = None) -> None:
    """Migrate to the latest revision. `slo` is what a migration that
    counts SLIs afresh uses; the defaults when None."""
    config = alembic_config()
    config.attributes["slo_thresholds"] = slo
    with (
        engine.connect().execution_options(**{WRITE_TRANSACTION: True}) as connection,
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
