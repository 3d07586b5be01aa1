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
from store.conftest import engine_at


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
    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    engine = engine_at(url, "0004_console_indexes")
    records = [make_request(latency_ms=float(n), scenario="AB"[n % 2]) for n in range(1, 101)]
    _insert_as_of_then(engine, records)
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


def _insert_as_of_then(engine: Any, records: list[Any]) -> None:
    """Insert requests into a database of an earlier revision: only its columns."""
    from sqlalchemy import MetaData, Table

    from aimonitor.store.rows import request_row

    with engine.begin() as conn:
        table = Table("requests", MetaData(), autoload_with=conn)
        rows = [{k: v for k, v in request_row(r).items() if k in table.c} for r in records]
        conn.execute(table.insert(), rows)


NEW_REQUEST_FIELDS = ("trace_id", "ttft_ms", "stage_ms", "finding_spans", "attack")


def _write_as_of_0005(engine: Any, records: list[Any]) -> None:
    """What the previous version wrote: rows without the detail columns, audit entries
    whose metadata lacks the fields added since."""
    from sqlalchemy import update

    from aimonitor.store.chain import GENESIS_HASH, event_metadata, event_texts, seal
    from aimonitor.store.rows import entry_row
    from aimonitor.store.schema import audit_chain_head, audit_log

    _insert_as_of_then(engine, records)
    prev_hash, entries = GENESIS_HASH, []
    for seq, record in enumerate(records, start=1):
        metadata = event_metadata(record)
        for name in NEW_REQUEST_FIELDS:
            metadata.pop(name)
        entry = seal(
            seq=seq, prev_hash=prev_hash, event_id=record.request_id, event_type="request",
            severity="info", created_at=record.created_at, metadata=metadata,
            request_id=record.request_id, texts=event_texts(record), writer=("old", seq),
        )  # fmt: skip
        entries.append(entry)
        prev_hash = entry.hash
    with engine.begin() as conn:
        conn.execute(audit_log.insert(), [entry_row(e) for e in entries])
        conn.execute(update(audit_chain_head).values(seq=len(entries), hash=prev_hash))


def test_requests_stored_before_the_detail_columns_read_back_and_still_verify(
    tmp_path: Path, make_request: Any
) -> None:
    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    engine = engine_at(url, "0005_stats_aggregates")
    old = [make_request() for _ in range(3)]
    _write_as_of_0005(engine, old)
    engine.dispose()
    store = open_store(url)
    try:
        assert store.verify_chain().ok
        assert store.get_request(old[0].request_id) == old[0]  # defaults for the new fields
        new = make_request(
            trace_id="4bf92f3577b34da6a3ce929d0e0e4736", ttft_ms=12.5,
            stage_ms={"input_analysis": 1.25, "model": 30.0},
            finding_spans=[{"type": "EMAIL", "stage": "input", "start": 5, "end": 22}],
            attack={"families": ["jailbreak"], "rules": ["jailbreak.dan"]},
        )  # fmt: skip
        store.write_batch([new])
        assert store.get_request(new.request_id) == new
        result = store.verify_chain()
        assert result.ok and result.checked == 4
        audited = {e["request_id"]: e["metadata"] for e in store.export_audit(None)}
        assert audited[new.request_id]["stage_ms"] == new.stage_ms
        assert audited[new.request_id]["finding_spans"] == new.finding_spans
    finally:
        store.close()
