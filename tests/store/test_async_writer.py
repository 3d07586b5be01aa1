"""The writer: journal first, then the database in batches, retries, orphan replay."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from aimonitor.store import (
    AsyncWriter,
    FeedbackRecord,
    RecordRejected,
    RequestRecord,
    SqlStore,
    StoreUnavailable,
)
from aimonitor.store import journal as journal_module
from aimonitor.store.journal import REJECTED_FILE

MakeRequest = Callable[..., RequestRecord]


def _counts(store: SqlStore) -> dict[str, int]:
    """request_id -> number of rows in `requests`."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT request_id, COUNT(*) FROM requests GROUP BY request_id"))
        return {r[0]: r[1] for r in rows}


def _stamps(store: SqlStore) -> list[tuple[str, int]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT writer_id, writer_seq FROM audit_log ORDER BY seq"))
        return [(r[0], r[1]) for r in rows]


def _writer(store: Any, tmp_path: Path, **kwargs: Any) -> AsyncWriter:
    options: dict[str, Any] = {"flush_interval_s": 0.01, "retry_initial_s": 0.01,
                               "retry_max_s": 0.05}  # fmt: skip
    options.update(kwargs)
    return AsyncWriter(store, tmp_path / "journal", **options)


def _journal_lines(tmp_path: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in (tmp_path / "journal").glob("*.log"))


def _die(journal: journal_module.Journal) -> None:
    """What the kernel does to a journal when its process is killed: the descriptors
    close (the lock goes with them), nothing else happens."""
    journal._sync_stop.set()
    os.close(journal._fd)
    os.close(journal._lock_fd)


def test_events_are_written_in_batches_with_their_writer_sequence(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, batch_size=50, observer=observer)
    records = [make_request() for _ in range(500)]
    for record in records:
        writer.submit(record)
    assert _journal_lines(tmp_path) == 500  # in the journal before any database write
    writer.start()
    assert writer.flush(timeout_s=30)
    writer_id = writer.writer_id
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert max(flaky_sqlite.batches) == 50
    assert sum(flaky_sqlite.batches) == 500
    assert len(observer.written) == 500
    assert observer.depths[-1] == 0
    assert writer.queue_depth == 0
    assert _stamps(flaky_sqlite.inner) == [(writer_id, n) for n in range(1, 501)]


def test_stop_drains_everything_and_removes_the_journal(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, flush_interval_s=5.0)
    writer.start()
    records = [make_request() for _ in range(300)]
    for record in records:
        writer.submit(record)
    writer.stop(timeout_s=30)
    assert len(_counts(flaky_sqlite.inner)) == 300
    assert list((tmp_path / "journal").iterdir()) == []


def test_a_closed_journal_refuses_appends(tmp_path: Path, make_request: MakeRequest) -> None:
    journal = journal_module.Journal(tmp_path / "journal")
    journal.close(remove=True)
    with pytest.raises(StoreUnavailable):
        journal.append(make_request())


def test_during_an_outage_records_wait_in_the_journal(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = _writer(flaky_sqlite, tmp_path, batch_size=10, observer=observer)
    writer.start()
    flaky_sqlite.down = True
    records = [make_request() for _ in range(100)]
    for record in records:
        writer.submit(record)
    assert writer.flush(timeout_s=0.5) is False
    assert writer.queue_depth == 100
    assert _journal_lines(tmp_path) == 100
    assert observer.failures >= 1

    flaky_sqlite.down = False
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
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


def test_what_cannot_be_written_at_stop_is_replayed_by_the_next_writer(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    flaky_sqlite.down = True
    first = _writer(flaky_sqlite, tmp_path)
    first.start()
    records = [make_request() for _ in range(40)]
    for record in records:
        first.submit(record)
    first_id = first.writer_id
    first.stop(timeout_s=0.5)
    assert _journal_lines(tmp_path) == 40
    first.submit(make_request(request_id="late"))  # after stop: journaled, not dropped
    assert _journal_lines(tmp_path) == 41
    first.stop(timeout_s=0.5)
    assert _counts(flaky_sqlite.inner) == {}

    flaky_sqlite.down = False
    second = _writer(flaky_sqlite, tmp_path, observer=observer)
    second.start()
    assert second.flush(timeout_s=30)
    second.stop()
    stored = _counts(flaky_sqlite.inner)
    assert stored == {r.request_id: 1 for r in records} | {"late": 1}
    assert observer.replayed == 41
    assert [s for s in _stamps(flaky_sqlite.inner) if s[0] == first_id] == [
        (first_id, n) for n in range(1, 41)
    ]
    assert list((tmp_path / "journal").iterdir()) == []
    assert flaky_sqlite.inner.verify_chain().ok


def test_a_crash_between_a_write_and_its_checkpoint_stores_nothing_twice(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    records = [make_request() for _ in range(10)]
    dead = journal_module.Journal(tmp_path / "journal")
    for record in records:
        dead.append(record)
    dead.sync()
    # The dead writer had stored six of them, and no checkpoint says so.
    flaky_sqlite.inner.write_batch(records[:6], [(dead.writer_id, n) for n in range(1, 7)])
    _die(dead)

    writer = _writer(flaky_sqlite, tmp_path)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert flaky_sqlite.inner.verify_chain().ok


def test_a_live_writers_journal_is_not_taken_over(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    flaky_sqlite.down = True
    alive = _writer(flaky_sqlite, tmp_path)
    alive.submit(make_request())
    other = _writer(flaky_sqlite, tmp_path)
    other.start()
    flaky_sqlite.down = False
    assert other.flush(timeout_s=5)
    assert _counts(flaky_sqlite.inner) == {}  # the record waits for its own writer
    other.stop()
    alive.start()
    assert alive.flush(timeout_s=30)
    alive.stop()
    assert len(_counts(flaky_sqlite.inner)) == 1


def test_a_rejected_record_is_set_aside_and_verify_reports_it_missing(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    class Picky:
        def write_batch(self, events: Any, stamps: Any = None) -> None:
            if any(e.request_id == "poison" for e in events):
                raise RecordRejected("value too long")
            flaky_sqlite.write_batch(events, stamps)

        def __getattr__(self, name: str) -> Any:
            return getattr(flaky_sqlite, name)

    writer = _writer(Picky(), tmp_path, batch_size=10, observer=observer)
    records = [make_request() for _ in range(9)]
    for record in [*records[:4], make_request(request_id="poison"), *records[4:]]:
        writer.submit(record)
    writer_id = writer.writer_id
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert (tmp_path / "journal" / REJECTED_FILE).stat().st_mode & 0o777 == 0o600
    (rejected,) = (tmp_path / "journal" / REJECTED_FILE).read_text().splitlines()
    assert json.loads(rejected)["event"]["request_id"] == "poison"
    assert json.loads(rejected)["reason"] == "value too long"
    assert observer.failures == 1
    result = flaky_sqlite.inner.verify_chain()
    assert (result.ok, result.first_broken, result.missing) == (False, f"{writer_id}#5", 1)


def test_a_torn_journal_line_is_set_aside(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    """A crash in the middle of an append leaves half a line: it must not block replay."""
    records = [make_request() for _ in range(3)]
    dead = journal_module.Journal(tmp_path / "journal", fsync_interval_ms=0)
    dead.append(records[0])
    dead.append(records[1])
    with (tmp_path / "journal" / f"{dead.writer_id}.000000.log").open("ab") as f:
        f.write(b'{"seq":3,"event":{"kind":"request","request_id":"tor')
    _die(dead)

    writer = _writer(flaky_sqlite, tmp_path)
    writer.submit(records[2])
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    rejected = (tmp_path / "journal" / REJECTED_FILE).read_text()
    assert "torn line" in rejected and "tor" in rejected


def test_when_the_journal_cannot_be_written_submit_refuses(
    flaky_sqlite: Any,
    tmp_path: Path,
    make_request: MakeRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Disk full: the record cannot be made durable, so the caller must not answer."""
    writer = _writer(flaky_sqlite, tmp_path)
    writer.submit(make_request())

    def disk_full(fd: int, data: bytes) -> None:
        os.write(fd, data[:10])  # a partial line, then the error
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module, "_write_all", disk_full)
    with pytest.raises(StoreUnavailable, match="No space left"):
        writer.submit(make_request())
    monkeypatch.undo()
    last = make_request()
    writer.submit(last)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert len(_counts(flaky_sqlite.inner)) == 2 and last.request_id in _counts(flaky_sqlite.inner)
    assert flaky_sqlite.inner.verify_chain().ok  # the refused record took no number


def test_fsync_before_returning_when_the_interval_is_zero(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fdatasync
    monkeypatch.setattr(journal_module.os, "fdatasync", lambda fd: (synced.append(fd), real(fd)))
    writer = _writer(flaky_sqlite, tmp_path, fsync_interval_ms=0)
    for _ in range(3):
        writer.submit(make_request())
    assert len(synced) == 3
    writer.start()
    writer.stop()
    assert len(_counts(flaky_sqlite.inner)) == 3


def test_a_flush_during_an_outage_waits_instead_of_spinning(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    # Records wait in the journal and the retry time is far off: the writer has nothing
    # to do, and a flush must not make it loop meanwhile.
    writer = _writer(
        flaky_sqlite, tmp_path, flush_interval_s=0.1, retry_initial_s=60.0, observer=observer
    )
    writer.start()
    flaky_sqlite.down = True
    writer.submit(make_request())
    assert writer.flush(timeout_s=0.5) is False
    cycles_before = len(observer.depths)
    assert writer.flush(timeout_s=1.0) is False
    # One cycle per flush_interval_s (about 10 in 1 s), not thousands.
    assert len(observer.depths) - cycles_before < 50
    writer.stop(timeout_s=0.2)


def test_segments_roll_over_and_are_deleted_once_written(
    sql_store: SqlStore, tmp_path: Path, make_request: MakeRequest
) -> None:
    directory = tmp_path / "journal"
    journal = journal_module.Journal(directory, fsync_interval_ms=5, segment_bytes=4096)
    reader = journal_module.JournalReader(directory, journal.writer_id, journal, tmp_path / "r")
    records = [make_request() for _ in range(40)]
    for record in records:
        journal.append(record)
    assert journal.segment >= 3
    seen: list[int] = []
    while True:
        entries, position = reader.read(7)
        if position[2] == 0:
            break
        sql_store.write_batch([e.event for e in entries], [(journal.writer_id, e.seq)
                                                           for e in entries])  # fmt: skip
        reader.commit(position)
        seen += [e.seq for e in entries]
    assert seen == list(range(1, 41))
    assert journal.recent == {}  # read back from memory, not parsed again
    assert [p.name for p in directory.glob("*.log")] == [
        f"{journal.writer_id}.{journal.segment:06d}.log"
    ]
    journal.close(remove=True)
    assert list(directory.iterdir()) == []
    assert _counts(sql_store) == {r.request_id: 1 for r in records}


def test_a_spill_file_left_by_an_earlier_version_is_written_once(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest
) -> None:
    """Upgrading with records an outage left in the old spill file loses none of them."""
    from aimonitor.store.records import event_to_json

    records = [make_request() for _ in range(5)]
    flaky_sqlite.inner.write_batch(records[:2])  # stored before the old version stopped
    spill = tmp_path / "spill" / "audit-spill.jsonl"
    spill.parent.mkdir()
    lines = [json.dumps(event_to_json(r)) + "\n" for r in records]
    spill.write_text("".join(lines) + '{"kind": "request", "request_id": "tor')

    writer = _writer(flaky_sqlite, tmp_path)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _counts(flaky_sqlite.inner) == {r.request_id: 1 for r in records}
    assert flaky_sqlite.inner.verify_chain().ok  # no writer numbers, so no false gap
    assert not spill.exists()
    assert "tor" in (tmp_path / "journal" / REJECTED_FILE).read_text()
    assert list((tmp_path / "journal").glob("*.log")) == []
