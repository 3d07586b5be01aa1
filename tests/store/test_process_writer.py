"""The audit writer in a child process: same guarantees as the thread writer (nothing
accepted is lost, stop drains, flush waits), across a process boundary and a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from aimonitor.store import ProcessWriter, RequestRecord, SqlStore, WriterOptions, open_store
from aimonitor.store.spill import SPILL_FILE

MakeRequest = Callable[..., RequestRecord]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{(tmp_path / 'aimonitor.db').as_posix()}"
    open_store(url, tmp_path).close()  # migrated, as the service does before starting
    yield url


def _options(url: str, tmp_path: Path, **overrides: Any) -> WriterOptions:
    values: dict[str, Any] = {"database_url": url, "spill_dir": tmp_path / "spill",
                              "flush_interval_s": 0.02, "retry_initial_s": 0.02,
                              "retry_max_s": 0.1}  # fmt: skip
    values.update(overrides)
    return WriterOptions(**values)


def _rows(url: str, sql: str) -> list[Any]:
    """Rows of a query, through a connection of our own (not the writer's)."""
    store = open_store(url, Path("/tmp"))
    try:
        with store.engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        store.close()


def _stored(url: str) -> dict[str, int]:
    """request_id -> number of rows."""
    return {r[0]: r[1] for r in _rows(url, "SELECT request_id, COUNT(*) FROM requests GROUP BY 1")}


def _audit_entries(url: str) -> int:
    return int(_rows(url, "SELECT COUNT(*) FROM audit_log")[0][0])


def test_records_reach_the_store_and_the_counts_reach_the_observer(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = ProcessWriter(_options(sqlite_url, tmp_path, batch_size=25), observer)
    writer.start()
    records = [make_request() for _ in range(120)]
    for record in records:
        writer.submit(record)
    assert writer.flush(timeout_s=30)
    assert writer.queue_depth == 0
    writer.stop()
    assert _stored(sqlite_url) == {r.request_id: 1 for r in records}
    assert _audit_entries(sqlite_url) == 120
    assert sum(observer.written_counts.values()) == 120
    assert observer.depths[-1] == 0
    assert observer.failures == 0


def test_stop_drains_what_was_just_submitted(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest
) -> None:
    writer = ProcessWriter(_options(sqlite_url, tmp_path, flush_interval_s=5.0))
    writer.start()
    records = [make_request() for _ in range(300)]
    for record in records:
        writer.submit(record)
    writer.stop(timeout_s=30)
    assert len(_stored(sqlite_url)) == 300
    spill = tmp_path / "spill" / SPILL_FILE
    assert not spill.exists() or spill.read_bytes() == b""


def test_a_killed_child_loses_nothing_and_duplicates_nothing(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = ProcessWriter(_options(sqlite_url, tmp_path, batch_size=20), observer)
    writer.start()
    first = [make_request() for _ in range(200)]
    for record in first:
        writer.submit(record)
    assert writer.flush(timeout_s=30)
    victim = writer.child_pid
    assert victim is not None
    # Records in flight when the child dies: some written, some not.
    second = [make_request() for _ in range(500)]
    for record in second[:250]:
        writer.submit(record)
    os.kill(victim, signal.SIGKILL)
    for record in second[250:]:
        writer.submit(record)
    deadline = time.monotonic() + 30
    while writer.child_pid in (None, victim) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer.child_pid not in (None, victim), "no new writer process"
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _stored(sqlite_url) == {r.request_id: 1 for r in first + second}
    assert observer.failures >= 1


def test_the_child_ignores_sigterm_and_keeps_writing(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest
) -> None:
    writer = ProcessWriter(_options(sqlite_url, tmp_path))
    writer.start()
    pid = writer.child_pid
    assert pid is not None
    os.kill(pid, signal.SIGTERM)  # e.g. a kill of the whole process group
    time.sleep(0.3)
    records = [make_request() for _ in range(50)]
    for record in records:
        writer.submit(record)
    assert writer.flush(timeout_s=30)
    assert writer.child_pid == pid
    writer.stop()
    assert len(_stored(sqlite_url)) == 50


def test_an_unreachable_database_spills_in_the_child_and_counts_it(
    tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    # A PostgreSQL URL on a port nothing listens on: every write fails.
    url = "postgresql://aimonitor:x@127.0.0.1:9/aimonitor"
    writer = ProcessWriter(_options(url, tmp_path, batch_size=10), observer)
    writer.start()
    for _ in range(30):
        writer.submit(make_request())
    assert writer.flush(timeout_s=1.0) is False  # nothing can reach the store
    writer.stop(timeout_s=5)
    spill = tmp_path / "spill" / SPILL_FILE
    assert len(spill.read_text(encoding="utf-8").splitlines()) == 30
    assert observer.spilled == 30
    assert observer.failures >= 1
    assert writer.queue_depth == 30  # spilled, not stored


def test_the_spill_left_by_a_previous_run_is_replayed(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    from aimonitor.store.spill import SpillFile

    leftovers = [make_request() for _ in range(40)]
    SpillFile(tmp_path / "spill").append(leftovers)
    writer = ProcessWriter(_options(sqlite_url, tmp_path), observer)
    writer.start()
    assert writer.flush(timeout_s=30)
    writer.stop()
    assert _stored(sqlite_url) == {r.request_id: 1 for r in leftovers}
    assert observer.replayed == 40


def test_an_interpreter_exiting_without_stop_drains_the_child(
    sqlite_url: str, tmp_path: Path
) -> None:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from pathlib import Path
from aimonitor.store import ProcessWriter, WriterOptions
from store.conftest import _make_request

if __name__ == "__main__":
    writer = ProcessWriter(WriterOptions({sqlite_url!r}, Path({str(tmp_path / "spill")!r}),
                                         flush_interval_s=5.0))
    writer.start()
    for _ in range(75):
        writer.submit(_make_request())
    print("submitted", flush=True)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "submitted" in done.stdout
    assert len(_stored(sqlite_url)) == 75


def test_records_written_by_the_child_are_read_back_by_the_parent_store(
    sqlite_url: str, tmp_path: Path, make_request: MakeRequest
) -> None:
    store = open_store(sqlite_url, tmp_path)
    assert isinstance(store, SqlStore)
    writer = ProcessWriter(_options(sqlite_url, tmp_path))
    writer.start()
    record = make_request(conversation_id="conv-1")
    writer.submit(record)
    assert writer.flush(timeout_s=30)
    fetched = store.get_request(record.request_id)
    writer.stop()
    store.close()
    assert fetched is not None
    assert fetched.request_id == record.request_id
