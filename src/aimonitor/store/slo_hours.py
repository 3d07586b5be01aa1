"""Hourly SLI counts, for burn rates over windows longer than a day (3 d, 30 d).

Each batch of inserts adds, in the same transaction, one row per hour and SLI to the
`stats_aggregates` table (stats.py): name `slo_hour`, key `"<hour> <sli>"` (the hour as
Unix time), `count` = requests the SLI counts, `total` = the bad ones among them:

    availability  requests that reached the model (served, redacted, failed); bad: 5xx
    latency       answered requests (200); bad: slower than the latency threshold
    quality       answered requests with a quality score; bad: under the threshold

The same definitions as the console's per-minute series and the pipeline's SLO windows.
The thresholds are those in force when the request was written: a changed threshold
applies to the hours after the change. Hours older than `KEPT_HOURS` are deleted as
new ones arrive, so a 30-day burn rate reads at most 3 × 721 rows, whatever the number
of requests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select

from aimonitor.store import schema
from aimonitor.store.records import RequestRecord, now_utc, utc
from aimonitor.store.stats import Aggregate, Key

HOUR_S = 3600
SLO_HOUR = "slo_hour"
SLIS = ("availability", "latency", "quality")
KEPT_HOURS = 30 * 24 + 1  # the 30-day window and the hour under way
# Requests that reached the model: what the availability SLI counts (as the pipeline does).
REACHED_MODEL = frozenset({"served", "redacted", "error"})

_S = schema.stats_aggregates
_R = schema.requests
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class SloThresholds:
    """What makes an answered request bad (AIMONITOR_SLO_*_THRESHOLD)."""

    latency_ms: float = 1000.0
    quality: float = 0.8


def hour_of(moment: datetime) -> int:
    return int(utc(moment).timestamp()) // HOUR_S * HOUR_S


def hour_key(hour: int, sli: str) -> str:
    return f"{hour} {sli}"


def slo_hour_parts(
    requests: Iterable[RequestRecord], thresholds: SloThresholds
) -> dict[Key, Aggregate]:
    """What a batch adds to the hourly SLI counts."""
    out: dict[Key, Aggregate] = {}

    def add(hour: int, sli: str, bad: bool) -> None:
        key = (SLO_HOUR, hour_key(hour, sli))
        found = out.get(key)
        if found is None:
            found = out[key] = Aggregate()
        found.add(1.0 if bad else 0.0)

    for r in requests:
        hour = hour_of(r.created_at)
        if str(r.decision) in REACHED_MODEL:
            add(hour, "availability", r.status_code >= 500)
        if r.status_code != 200:
            continue
        add(hour, "latency", r.latency_ms > thresholds.latency_ms)
        quality = r.scores.get("quality")
        if quality is not None and math.isfinite(quality):
            add(hour, "quality", quality < thresholds.quality)
    return out


def prune(conn: Connection, now: datetime | None = None) -> None:
    """Delete the hours no window reaches any more (an indexed range: usually nothing)."""
    oldest = hour_of((now or now_utc()) - timedelta(hours=KEPT_HOURS - 1))
    conn.execute(delete(_S).where(_S.c.name == SLO_HOUR, _S.c.key < str(oldest)))


def read_hours(conn: Connection, first_hour: int) -> dict[int, dict[str, tuple[int, int]]]:
    """hour -> sli -> (requests, bad), from `first_hour` on."""
    rows = conn.execute(
        select(_S.c.key, _S.c["count"], _S.c.total).where(
            _S.c.name == SLO_HOUR, _S.c.key >= str(first_hour)
        )
    )
    hours: dict[int, dict[str, tuple[int, int]]] = {}
    for key, count, total in rows:
        hour, _, sli = str(key).partition(" ")
        hours.setdefault(int(hour), {})[sli] = (int(count), round(float(total)))
    return hours


def backfill(conn: Connection, thresholds: SloThresholds, now: datetime | None = None) -> None:
    """Count the requests already stored in the last `KEPT_HOURS` hours (read in chunks
    by the creation-time index), replacing any hourly counts there were."""
    since = datetime.fromtimestamp(hour_of(now or now_utc()) - (KEPT_HOURS - 1) * HOUR_S, UTC)
    columns = [_R.c[name] for name in (
        "request_id", "created_at", "scenario", "decision", "status_code", "latency_ms",
        "scores")]  # fmt: skip
    query = select(*columns).where(_R.c.created_at >= since).execution_options(yield_per=_CHUNK)
    totals: dict[Key, Aggregate] = {}
    for rows in conn.execute(query).partitions():
        part = slo_hour_parts((_minimal_record(r) for r in rows), thresholds)
        for key, value in part.items():
            into = totals.setdefault(key, Aggregate())
            into.count += value.count
            into.total += value.total
    conn.execute(delete(_S).where(_S.c.name == SLO_HOUR))
    if totals:
        conn.execute(
            _S.insert(),
            [
                {"name": name, "key": key, "count": a.count, "total": a.total, "low": None,
                 "high": None}
                for (name, key), a in totals.items()
            ],
        )  # fmt: skip


def _minimal_record(row: Any) -> RequestRecord:
    """What the hourly counts read of a stored row, as a record."""
    return RequestRecord(
        request_id=row.request_id, created_at=row.created_at, client="", scenario=row.scenario,
        model="", backend="", decision=row.decision, status_code=row.status_code,
        risk_level="", latency_ms=row.latency_ms, tokens_input=0, tokens_output=0,
        cost_eur=0.0, scores=dict(row.scores or {}),
    )  # fmt: skip
