"""The background writer: batching, draining on stop, spilling and replaying."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from aimonitor.store import AsyncWriter, FeedbackRecord, RecordRejected, RequestRecord, SqlStore
from aimonitor.store.spill import REJECTED_FILE, SPILL_FILE

MakeRequest = Callable[..., RequestRecord]


def _counts(store: SqlStore) -> dict[str, int]:
    """request_id -> number of rows in `requests`."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT request_id, COUNT(*) FROM requests GROUP BY request_id"))
        return {r[0]: r[1] for r in rows}


def _audit_count(store: SqlStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one())


def _writer(store: Any, tmp_path: Path, **kwargs: Any) -> AsyncWriter:
    options: dict[str, Any] = {"flush_interval_s": 0.01, "retry_initial_s": 0.01,
                               "retry_max_s": 0.05}  # fmt: skip
    options.update(kwargs)
    return AsyncWriter(store, tmp_path / "spill", **options)


def test_events_are_written_in_batches(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, batch_size=50, observer=observer)
    records = [make_request() for _ in range(500)]
    for record in records:
        writer.submit(record)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert max(flaky_sqlite.batches) == 50
    assert sum(flaky_sqlite.batches) == 500
    assert len(observer.written) == 500
    assert observer.depths[-1] == 0
    assert writer.queue_depth == 0


def test_stop_drains_everything_submitted(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, flush_interval_s=5.0)
    writer.start()
    records = [make_request() for _ in range(300)]
    for record in records:
        writer.submit(record)
    writer.stop(timeout_s=30)
    assert len(_counts(flaky_sqlite.inner)) == 300
    spill = tmp_path / "spill" / SPILL_FILE
    assert not spill.exists() or spill.read_bytes() == b""


def test_an_outage_spills_and_the_spill_is_replayed_once(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, batch_size=10, observer=observer)
    writer.start()
    flaky_sqlite.down = True
    records = [make_request() for _ in range(100)]
    for record in records:
        writer.submit(record)
    assert writer.flush(timeout_s=0.5) is False
    spill = tmp_path / "spill" / SPILL_FILE
    assert len(spill.read_text().splitlines()) == 100
    assert writer.queue_depth == 100
    assert observer.failures >= 1 and observer.spilled == 100

    flaky_sqlite.down = False
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert observer.replayed == 100
    assert spill.read_bytes() == b""
    assert flaky_sqlite.inner.verify_chain().ok


def test_order_is_kept_across_an_outage(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, batch_size=3)
    writer.start()
    flaky_sqlite.down = True
    request = make_request()
    writer.submit(request)
    writer.flush(timeout_s=0.2)
    flaky_sqlite.down = False
    feedback = FeedbackRecord(
        request_id=request.request_id, rating=5, created_at=request.created_at
    )
    writer.submit(feedback)
    assert writer.flush(timeout_s=30)
    writer.stop()
    exported = list(flaky_sqlite.inner.export_audit(None))
    assert [e["event_type"] for e in exported] == ["request", "feedback"]


def test_a_full_queue_spills_instead_of_dropping(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, queue_max=5, observer=observer)
    records = [make_request() for _ in range(20)]
    for record in records:  # not started: the queue fills up
        writer.submit(record)
    assert observer.spilled == 15
    assert writer.queue_depth == 20
    writer.start()
    writer.stop(timeout_s=30)
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}


def test_what_cannot_be_written_at_stop_is_replayed_by_the_next_writer(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    flaky_sqlite.down = True
    first = _writer(flaky_sqlite, tmp_path)
    first.start()
    records = [make_request() for _ in range(40)]
    for record in records:
        first.submit(record)
    first.stop(timeout_s=10)
    first.submit(make_request(request_id="late"))  # after stop: spilled, not dropped
    assert len((tmp_path / "spill" / SPILL_FILE).read_text().splitlines()) == 41
    assert _counts(flaky_sqlite.inner) == {}

    flaky_sqlite.down = False
    second = _writer(flaky_sqlite, tmp_path)
    assert second.queue_depth == 41
    second.start()
    assert second.flush(timeout_s=30)
    second.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records} | {"late": 1}


def test_replaying_records_already_stored_does_not_duplicate_them(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    """A crash between a replayed write and the spill truncation replays it again."""
    records = [make_request() for _ in range(10)]
    flaky_sqlite.inner.write_batch(records[:6])
    writer = _writer(flaky_sqlite, tmp_path)
    writer._spill.append(records)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert _audit_count(flaky_sqlite.inner) == 10


def test_a_rejected_record_is_set_aside_and_the_rest_written(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    class Picky:
        def write_batch(self, events: Any) -> None:
            if any(e.request_id == "poison" for e in events):
                raise RecordRejected("value too long")
            flaky_sqlite.write_batch(events)

        def __getattr__(self, name: str) -> Any:
            return getattr(flaky_sqlite, name)

    writer = _writer(Picky(), tmp_path, batch_size=10, observer=observer)
    records = [make_request() for _ in range(9)]
    for record in [*records[:4], make_request(request_id="poison"), *records[4:]]:
        writer.submit(record)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    (rejected,) = (tmp_path / "spill" / REJECTED_FILE).read_text().splitlines()
    assert json.loads(rejected)["event"]["request_id"] == "poison"
    assert json.loads(rejected)["reason"] == "value too long"
    assert observer.failures == 1


def test_a_torn_spill_line_is_set_aside(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    """A crash in the middle of an append leaves half a line: it must not block replay."""
    records = [make_request() for _ in range(3)]
    writer = _writer(flaky_sqlite, tmp_path)
    writer._spill.append(records[:2])
    with (tmp_path / "spill" / SPILL_FILE).open("a") as f:
        f.write('{"kind": "request", "request_id": "tor')
    writer = _writer(flaky_sqlite, tmp_path)  # restarted after the crash
    writer.submit(records[2])
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    rejected = (tmp_path / "spill" / REJECTED_FILE).read_text()
    assert '"request_id": "tor' in rejected


def test_when_the_spill_file_cannot_be_written_records_are_held_in_memory(
    flaky_sqlite: Any,
    tmp_path: Path,
    make_request: MakeRequest,
    observer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Database down and disk full at once: the writer keeps the records and retries."""
    writer = _writer(flaky_sqlite, tmp_path, batch_size=5, observer=observer)
    real_append = writer._spill.append

    def disk_full(events: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer._spill, "append", disk_full)
    flaky_sqlite.down = True
    writer.start()
    records = [make_request() for _ in range(20)]
    for record in records:
        writer.submit(record)
    assert writer.flush(timeout_s=0.5) is False
    assert writer.queue_depth == 20
    assert _counts(flaky_sqlite.inner) == {}

    monkeypatch.setattr(writer._spill, "append", real_append)
    flaky_sqlite.down = False
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}


def test_a_flush_during_an_outage_waits_instead_of_spinning(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    # Records wait in the spill file and the retry time is far off: the writer has
    # nothing to do, and a flush must not make it loop on the empty queue meanwhile.
    writer = _writer(
        flaky_sqlite, tmp_path, flush_interval_s=0.1, retry_initial_s=60.0, observer=observer
    )
    writer.start()
    flaky_sqlite.down = True
    writer.submit(make_request())
    assert writer.flush(timeout_s=0.5) is False  # the outage spills it
    cycles_before = len(observer.depths)
    assert writer.flush(timeout_s=1.0) is False
    # One cycle per flush_interval_s (about 10 in 1 s), not thousands.
    assert len(observer.depths) - cycles_before < 50
    writer.stop()
