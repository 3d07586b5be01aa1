"""Migrations build exactly the schema the code uses; SQLite is set up as documented."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from aimonitor.store import SqlStore, StoreUnavailable, memory_store, open_store
from aimonitor.store.engine import alembic_config, normalise_url
from aimonitor.store.schema import metadata


def test_migrations_match_the_table_definitions(sql_store: SqlStore) -> None:
    with sql_store.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert compare_metadata(context, metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert context.get_current_revision() == head


def test_open_store_creates_directories_and_uses_wal(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "dir" / "aimonitor.db"
    store = open_store(f"sqlite:///{db.as_posix()}", tmp_path / "data")
    try:
        assert (tmp_path / "data").is_dir() and db.exists()
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        store.close()


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    first = open_store(url, tmp_path)
    first.save_guardrail_config("prompt_length", {"threshold": 100})
    first.close()
    second = open_store(url, tmp_path)
    try:
        assert second.load_guardrail_configs() == {"prompt_length": {"threshold": 100}}
        assert second.verify_chain().ok
    finally:
        second.close()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_unreachable_database_raises_store_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable):
        open_store(f"postgresql://postgres@127.0.0.1:{_closed_port()}/none", tmp_path)


def test_health_is_false_when_the_database_is_gone(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{(tmp_path / 'a.db').as_posix()}", tmp_path)
    store.close()
    (tmp_path / "a.db").unlink()
    (tmp_path / "a.db-wal").unlink(missing_ok=True)
    (tmp_path / "a.db").mkdir()  # a directory where the database file was: SQLite cannot open it
    assert store.health() is False


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_in_memory_sqlite_database_is_shared_by_threads(tmp_path: Path) -> None:
    import threading

    store = open_store("sqlite://", tmp_path)
    try:
        store.save_guardrail_config("prompt_length", {"threshold": 10})
        seen: list[object] = []
        thread = threading.Thread(target=lambda: seen.append(store.load_guardrail_configs()))
        thread.start()
        thread.join()
        assert seen == [{"prompt_length": {"threshold": 10}}]
    finally:
        store.close()


def test_stats_aggregates_are_filled_from_the_rows_already_stored(
    tmp_path: Path, make_request: Any
) -> None:
    """A database of the previous version upgrades with its statistics intact."""
    from alembic import command

    from aimonitor.store.engine import WRITE_TRANSACTION, make_engine

    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    engine = make_engine(url)
    config = alembic_config()
    with engine.connect().execution_options(**{WRITE_TRANSACTION: True}) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, "0004_console_indexes")
    records = [make_request(latency_ms=float(n), scenario="AB"[n % 2]) for n in range(1, 101)]
    with engine.begin() as conn:
        from aimonitor.store.rows import request_row
        from aimonitor.store.schema import requests

        conn.execute(requests.insert(), [request_row(r) for r in records])
    engine.dispose()
    expected = memory_store()
    expected.write_batch(records)
    upgraded = open_store(url)
    try:
        assert upgraded.stats() == expected.stats()
        assert upgraded.stats()["total_requests"] == 100
    finally:
        upgraded.close()
        expected.close()
