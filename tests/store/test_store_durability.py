"""The store fails in the middle of a load; afterwards every accepted request has
exactly one record and the audit chain verifies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from aimonitor.store import AsyncWriter, FeedbackRecord, RequestRecord, SqlStore, open_store

MakeRequest = Callable[..., RequestRecord]


def _rows_per_request(store: SqlStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT request_id, COUNT(*) FROM requests GROUP BY request_id"))
        return {r[0]: r[1] for r in rows}


def _audit_per_event(store: SqlStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, COUNT(*) FROM audit_log GROUP BY event_id"))
        return {r[0]: r[1] for r in rows}


def test_an_outage_in_the_middle_of_a_load_loses_and_duplicates_nothing(
    flaky_sqlite: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    writer = AsyncWriter(flaky_sqlite, tmp_path / "journal", batch_size=25, flush_interval_s=0.01,
                         observer=observer, retry_initial_s=0.01, retry_max_s=0.05)  # fmt: skip
    writer.start()
    accepted: list[RequestRecord] = []
    feedback: list[FeedbackRecord] = []
    lock = threading.Lock()
    outage_started, outage_over = threading.Event(), threading.Event()

    def client(n: int) -> None:
        for i in range(n):
            record = make_request()
            writer.submit(record)
            with lock:
                accepted.append(record)
                total = len(accepted)
            if i % 10 == 0:
                rating = FeedbackRecord(request_id=record.request_id, rating=4,
                                        created_at=record.created_at)  # fmt: skip
                writer.submit(rating)
                with lock:
                    feedback.append(rating)
            if total == 400:
                flaky_sqlite.down = True
                outage_started.set()
            if total == 1200:
                outage_over.wait(timeout=30)

    threads = [threading.Thread(target=client, args=(500,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    assert outage_started.wait(timeout=30)
    # Let the writer retry against the outage while the load goes on.
    assert _wait_for(lambda: observer.failures >= 3 and writer.queue_depth >= 200)
    flaky_sqlite.down = False
    outage_over.set()
    for thread in threads:
        thread.join(timeout=60)
    writer.stop(timeout_s=60)

    store: SqlStore = flaky_sqlite.inner
    assert observer.failures >= 3
    assert _rows_per_request(store) == {r.request_id: 1 for r in accepted}
    expected_events = {r.request_id for r in accepted} | {f.event_id for f in feedback}
    assert _audit_per_event(store) == dict.fromkeys(expected_events, 1)
    assert store.stats()["feedback"]["count"] == len(feedback)
    assert store.verify_chain().ok
    assert writer.queue_depth == 0


def test_postgresql_going_down_and_coming_back(
    postgres_server: Any, tmp_path: Path, make_request: MakeRequest, observer: Any
) -> None:
    """A real outage: the PostgreSQL server is stopped in the middle of the load."""
    store = open_store(postgres_server.create_database(), tmp_path)
    writer = AsyncWriter(store, tmp_path / "journal", batch_size=20, flush_interval_s=0.01,
                         observer=observer, retry_initial_s=0.05, retry_max_s=0.2)  # fmt: skip
    writer.start()
    records = [make_request() for _ in range(300)]
    try:
        for record in records[:100]:
            writer.submit(record)
        assert writer.flush(timeout_s=30)
        postgres_server.stop()
        try:
            for record in records[100:]:
                writer.submit(record)
            assert writer.flush(timeout_s=1.0) is False
            assert observer.failures >= 1 and writer.queue_depth == 200
            assert store.health() is False
        finally:
            postgres_server.start()
        assert writer.flush(timeout_s=60)
        writer.stop(timeout_s=30)
        assert store.health() is True
        assert _rows_per_request(store) == {r.request_id: 1 for r in records}
        assert store.verify_chain().ok
    finally:
        writer.stop()
        store.close()


def _wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False
