"""Hourly SLI counts: kept with each batch, by hour, with the configured thresholds;
pruned past 30 days; counted afresh from the stored rows by the migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aimonitor.store import RequestRecord, open_store
from aimonitor.store.slo_hours import (
    KEPT_HOURS,
    SloThresholds,
    backfill,
    hour_of,
    read_hours,
    slo_hour_parts,
)
from store.conftest import engine_at

MakeRequest = Callable[..., RequestRecord]
NOW = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def _mix(make_request: MakeRequest, at: datetime) -> list[RequestRecord]:
    """Per hour: 2 fast good, 1 slow, 1 poor, 1 failed, 1 blocked."""
    return [
        make_request(created_at=at, latency_ms=100.0, scores={"quality": 0.9}),
        make_request(created_at=at, latency_ms=90.0, scores={"quality": 0.95}),
        make_request(created_at=at, latency_ms=2500.0, scores={"quality": 0.9}),
        make_request(created_at=at, latency_ms=100.0, scores={"quality": 0.3}),
        make_request(created_at=at, decision="error", status_code=502, scores={}),
        make_request(created_at=at, decision="blocked", status_code=403, scores={}),
    ]


EXPECTED = {"availability": (5, 1), "latency": (4, 1), "quality": (4, 1)}


def test_each_hour_counts_its_requests_and_the_bad_ones(
    sql_store: Any, make_request: MakeRequest
) -> None:
    hours = [NOW - timedelta(hours=n) for n in (0, 1, 50)]
    for at in hours:
        sql_store.write_batch(_mix(make_request, at))
    with sql_store.engine.connect() as conn:
        counted = read_hours(conn, hour_of(NOW - timedelta(hours=60)))
    assert counted == {hour_of(at): EXPECTED for at in hours}
    with sql_store.engine.connect() as conn:
        assert set(read_hours(conn, hour_of(NOW - timedelta(hours=1)))) == {
            hour_of(hours[0]),
            hour_of(hours[1]),
        }
    assert sql_store.stats()["total_requests"] == 18  # the hourly rows stay out of stats()


def test_the_thresholds_are_the_configured_ones(make_request: MakeRequest) -> None:
    strict = SloThresholds(latency_ms=95.0, quality=0.92)
    parts = slo_hour_parts(_mix(make_request, NOW), strict)
    hour = hour_of(NOW)
    assert parts[("slo_hour", f"{hour} latency")].total == 3  # 100, 2500, 100 ms
    assert parts[("slo_hour", f"{hour} quality")].total == 3  # 0.9, 0.9, 0.3


def test_hours_past_the_longest_window_are_pruned(
    sql_store: Any, make_request: MakeRequest
) -> None:
    old = datetime.now(UTC) - timedelta(hours=KEPT_HOURS + 5)
    sql_store.write_batch(_mix(make_request, old))
    sql_store.write_batch([make_request(created_at=datetime.now(UTC))])
    with sql_store.engine.connect() as conn:
        assert hour_of(old) not in read_hours(conn, 0)
        assert hour_of(datetime.now(UTC)) in read_hours(conn, 0)


def test_the_migration_counts_the_stored_rows_with_the_configured_thresholds(
    tmp_path: Path, make_request: MakeRequest
) -> None:
    from aimonitor.store.rows import request_row
    from aimonitor.store.schema import requests

    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    engine = engine_at(url, "0006_request_detail")
    recent = datetime.now(UTC) - timedelta(hours=30)
    too_old = datetime.now(UTC) - timedelta(hours=KEPT_HOURS + 2)
    rows = _mix(make_request, recent) + _mix(make_request, too_old)
    with engine.begin() as conn:
        conn.execute(requests.insert(), [request_row(r) for r in rows])
    engine.dispose()
    store = open_store(url, slo=SloThresholds(latency_ms=95.0, quality=0.8))
    try:
        with store.engine.connect() as conn:
            counted = read_hours(conn, 0)
        assert counted == {
            hour_of(recent): {"availability": (5, 1), "latency": (4, 3), "quality": (4, 1)}
        }
        # Counting again replaces, never adds.
        with store.engine.begin() as conn:
            backfill(conn, store.slo)
        with store.engine.connect() as conn:
            assert read_hours(conn, 0) == counted
    finally:
        store.close()


def test_counting_afresh_gives_what_the_writes_counted(
    sql_store: Any, make_request: MakeRequest
) -> None:
    now = datetime.now(UTC)
    for hours_ago in (0, 3, 26):
        sql_store.write_batch(_mix(make_request, now - timedelta(hours=hours_ago)))
    with sql_store.engine.connect() as conn:
        written = read_hours(conn, 0)
    with sql_store.engine.begin() as conn:
        backfill(conn, sql_store.slo)
    with sql_store.engine.connect() as conn:
        assert read_hours(conn, 0) == written
    assert len(written) == 3 and all(counts == EXPECTED for counts in written.values())
