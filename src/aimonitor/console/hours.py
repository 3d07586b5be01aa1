"""The hourly SLI counts of the last 30 days (store/slo_hours.py), for the SLO page.

As with the minutes (series.py), an hour that ended more than `SETTLE_S` ago no longer
changes: it is read once and kept, so a refresh reads only the hour under way.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine

from aimonitor.console.series import SETTLE_S
from aimonitor.store.slo_hours import HOUR_S, KEPT_HOURS, hour_of, read_hours

Counts = dict[str, tuple[int, int]]  # sli -> (requests, bad)


class HourCounts:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._closed: dict[int, Counts] = {}
        self._closed_until: int | None = None  # hours before this one are read and final
        self._lock = threading.Lock()

    def hours(self, now: datetime | None = None) -> tuple[int, dict[int, Counts]]:
        """The current hour, and the counts of each hour of the last 30 days that has some."""
        moment = now or datetime.now(UTC)
        current = hour_of(moment)
        first = current - (KEPT_HOURS - 1) * HOUR_S
        settled = hour_of(datetime.fromtimestamp(moment.timestamp() - SETTLE_S, UTC))
        with self._lock:
            start = first if self._closed_until is None else max(first, self._closed_until)
            with self._engine.connect() as conn:
                fresh = read_hours(conn, start)
            for hour in [h for h in self._closed if h < first]:
                del self._closed[hour]
            self._closed.update({h: c for h, c in fresh.items() if h < settled})
            self._closed_until = settled
            return current, {**self._closed, **{h: c for h, c in fresh.items() if h >= settled}}
