"""The SLO page's hourly counts: a closed hour is read once, the hour under way every
time, hours past 30 days are dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aimonitor.console.hours import HourCounts
from aimonitor.store import RequestRecord
from aimonitor.store.slo_hours import hour_of


def test_a_closed_hour_is_read_once_and_the_current_one_each_time(
    sql_store: Any, make_request: Callable[..., RequestRecord]
) -> None:
    now = datetime.now(UTC).replace(minute=30)
    earlier = now - timedelta(hours=5)
    sql_store.write_batch([make_request(created_at=earlier), make_request(created_at=now)])
    counts = HourCounts(sql_store.engine)
    current, hours = counts.hours(now)
    assert current == hour_of(now)
    assert hours[hour_of(earlier)]["latency"] == (1, 0)
    assert hours[hour_of(now)]["availability"] == (1, 0)
    # A late record in a closed hour is not read again; the current hour is.
    sql_store.write_batch([make_request(created_at=earlier), make_request(created_at=now)])
    _, hours = counts.hours(now)
    assert hours[hour_of(earlier)]["latency"] == (1, 0)
    assert hours[hour_of(now)]["latency"] == (2, 0)
    # Thirty-one days on, both have left the window.
    _, hours = counts.hours(now + timedelta(days=31))
    assert hour_of(earlier) not in hours and hour_of(now) not in hours
