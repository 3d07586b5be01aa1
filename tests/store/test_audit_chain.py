"""Tampering with the stored audit trail, by every means a database user has, is caught
by `verify_chain` and names the first broken record. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select, text

from aimonitor.store import RequestRecord, SqlStore
from aimonitor.store.chain import canonical, compute_hash

MakeRequest = Callable[..., RequestRecord]


@pytest.fixture
def chained(sql_store: SqlStore, make_request: MakeRequest) -> tuple[SqlStore, list[str]]:
    records = [make_request(conversation_id="c", prompt_text=f"prompt {i}") for i in range(5)]
    sql_store.write_batch(records[:3])
    sql_store.write_batch(records[3:])
    return sql_store, [r.request_id for r in records]


def _sql(store: SqlStore, statement: str, **params: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _row(store: SqlStore, seq: int) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT * FROM audit_log WHERE seq = :s"), {"s": seq}).one()


def test_an_intact_chain_verifies(chained: tuple[SqlStore, list[str]]) -> None:
    store, _ = chained
    result = store.verify_chain()
    assert result.ok and result.checked == 5
    assert result.first_broken is None


def test_an_empty_chain_verifies(sql_store: SqlStore) -> None:
    assert sql_store.verify_chain().ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("event_type", "config_change"),
        ("severity", "critical"),
        ("request_id", "00000000-0000-4000-8000-999999999999"),
        ("conversation_id", "another"),
        ("digest_prompt", "0" * 64),
        ("digest_comment", "f" * 64),
        ("text_prompt", "a different prompt"),
        ("event_id", "22222222-2222-4222-8222-222222222222"),
    ],
)
def test_altering_a_column_is_caught(
    chained: tuple[SqlStore, list[str]], column: str, value: str
) -> None:
    store, ids = chained
    _sql(store, f"UPDATE audit_log SET {column} = :v WHERE seq = 3", v=value)
    result = store.verify_chain()
    assert not result.ok
    assert result.first_broken == (value if column == "event_id" else ids[2])
    assert result.checked == 2


def test_altering_a_metadata_field_is_caught(chained: tuple[SqlStore, list[str]]) -> None:
    store, ids = chained
    metadata = json.loads(_row(store, 2).metadata)
    metadata["decision"] = "blocked"
    _sql(store, "UPDATE audit_log SET metadata = :m WHERE seq = 2", m=json.dumps(metadata))
    result = store.verify_chain()
    assert (result.ok, result.first_broken) == (False, ids[1])
    assert result.reason is not None and "altered" in result.reason


def test_altering_the_time_is_caught(chained: tuple[SqlStore, list[str]]) -> None:
    store, ids = chained
    _sql(store, "UPDATE audit_log SET created_at = :t WHERE seq = 4", t=_row(store, 1).created_at)
    assert store.verify_chain().first_broken == ids[3]


def test_rehashing_an_altered_record_breaks_the_next_link(
    chained: tuple[SqlStore, list[str]],
) -> None:
    store, ids = chained
    row = _row(store, 2)
    metadata = json.loads(row.metadata)
    metadata["latency_ms"] = 1.0
    forged = _entry(store, 2)
    forged = replace(forged, metadata_json=canonical(metadata))
    _sql(
        store,
        "UPDATE audit_log SET metadata = :m, hash = :h WHERE seq = 2",
        m=canonical(metadata),
        h=compute_hash(forged),
    )
    result = store.verify_chain()
    assert result.first_broken == ids[2]
    assert result.reason is not None and "prev_hash" in result.reason


def test_deleting_a_record_is_caught(chained: tuple[SqlStore, list[str]]) -> None:
    store, ids = chained
    _sql(store, "DELETE FROM audit_log WHERE seq = 3")
    result = store.verify_chain()
    assert (result.ok, result.first_broken, result.checked) == (False, ids[3], 2)
    assert result.reason is not None and "removed or reordered" in result.reason


def test_deleting_the_last_record_is_caught(chained: tuple[SqlStore, list[str]]) -> None:
    store, _ = chained
    _sql(store, "DELETE FROM audit_log WHERE seq = 5")
    result = store.verify_chain()
    assert (result.ok, result.first_broken, result.checked) == (False, "seq:5", 4)


def test_swapping_two_records_is_caught(chained: tuple[SqlStore, list[str]]) -> None:
    store, ids = chained
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_log SET seq = 2 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_log SET seq = 4 WHERE seq = -1"))
    result = store.verify_chain()
    assert (result.ok, result.first_broken, result.checked) == (False, ids[3], 1)


def test_erasure_is_not_tampering(chained: tuple[SqlStore, list[str]]) -> None:
    store, _ = chained
    assert store.erase_conversation("c", actor="dpo") == 5
    assert _row(store, 1).text_prompt is None
    assert _row(store, 1).text_salt is None
    result = store.verify_chain()
    assert result.ok and result.checked == 6


def _entry(store: SqlStore, seq: int) -> Any:
    from aimonitor.store.rows import entry_from_row
    from aimonitor.store.schema import audit_log

    with store.engine.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.seq == seq)).one()
    return entry_from_row(row)


def test_an_unparseable_date_is_reported_not_crashed_on(
    tmp_path: Any, make_request: MakeRequest
) -> None:
    """SQLite lets a date column hold any text; verify must report it, not crash."""
    from aimonitor.store import open_store

    store = open_store(f"sqlite:///{(tmp_path / 'a.db').as_posix()}", tmp_path)
    store.write_batch([make_request() for _ in range(3)])
    _sql(store, "UPDATE audit_log SET created_at = 'yesterday' WHERE seq = 2")
    result = store.verify_chain()
    store.close()
    assert (result.ok, result.first_broken) == (False, "seq:2")


def test_two_writers_on_one_database_do_not_fork_the_chain(
    sql_store: SqlStore, database_url: str, tmp_path: Any, make_request: MakeRequest
) -> None:
    """Two instances (two engines) append concurrently; the head lock serialises them."""
    import threading

    from aimonitor.store import open_store

    other = open_store(database_url, tmp_path / "other")
    batches = [[make_request() for _ in range(5)] for _ in range(40)]

    def write(store: SqlStore, mine: list[list[RequestRecord]]) -> None:
        for batch in mine:
            store.write_batch(batch)

    threads = [
        threading.Thread(target=write, args=(sql_store, batches[0::2])),
        threading.Thread(target=write, args=(other, batches[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    other.close()
    result = sql_store.verify_chain()
    assert result.ok and result.checked == 200


def test_a_writer_stamp_is_hashed(sql_store: SqlStore, make_request: MakeRequest) -> None:
    records = [make_request() for _ in range(3)]
    sql_store.write_batch(records, [("w", 1), ("w", 2), ("w", 3)])
    assert sql_store.verify_chain().ok
    _sql(sql_store, "UPDATE audit_log SET writer_seq = 7 WHERE seq = 2")
    result = sql_store.verify_chain()
    assert (result.ok, result.first_broken) == (False, records[1].request_id)
    assert "altered" in (result.reason or "")


def test_a_record_missing_from_a_writers_sequence_is_a_gap(
    sql_store: SqlStore, make_request: MakeRequest
) -> None:
    records = [make_request() for _ in range(6)]
    sql_store.write_batch(records[:2], [("a", 1), ("a", 2)])
    sql_store.write_batch(records[2:4], [("b", 1), ("b", 2)])
    sql_store.write_batch(records[4:], [("a", 4), ("b", 3)])  # a#3 never arrived
    result = sql_store.verify_chain()
    assert (result.ok, result.checked, result.first_broken, result.missing) == (
        False,
        6,
        "a#3",
        1,
    )
