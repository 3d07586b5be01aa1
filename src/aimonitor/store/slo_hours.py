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

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    select,
)

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


def time_bucket(dialect: str, seconds: int) -> ColumnElement[Any]:
    """The Unix time of the period of `seconds` a request was created in, computed by
    the database."""
    if dialect == "sqlite":  # created_at is stored as UTC text
        unix: ColumnElement[Any] = cast(func.strftime("%s", _R.c.created_at), Integer)
        return unix // seconds * seconds
    epoch = func.floor(func.extract("epoch", _R.c.created_at) / seconds)
    return cast(epoch, BigInteger) * seconds


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def backfill(conn: Connection, thresholds: SloThresholds, now: datetime | None = None) -> None:
    """Count the requests already stored in the last `KEPT_HOURS` hours (the database
    groups them by hour), replacing any hourly counts there were."""
    since = datetime.fromtimestamp(hour_of(now or now_utc()) - (KEPT_HOURS - 1) * HOUR_S, UTC)
    reached = _R.c.decision.in_(REACHED_MODEL)
    answered = _R.c.status_code == 200
    quality = _R.c.score_quality
    bucket = time_bucket(conn.dialect.name, HOUR_S).label("hour")
    counts = {
        "availability": (_count(reached), _count(and_(reached, _R.c.status_code >= 500))),
        "latency": (
            _count(answered),
            _count(and_(answered, _R.c.latency_ms > thresholds.latency_ms)),
        ),
        "quality": (
            _count(and_(answered, quality.is_not(None))),
            _count(and_(answered, quality < thresholds.quality)),
        ),
    }
    columns = [column for pair in counts.values() for column in pair]
    query = select(bucket, *columns).where(_R.c.created_at >= since).group_by(bucket)
    rows = []
    for hour, *sums in conn.execute(query):
        for index, sli in enumerate(counts):
            total, bad = int(sums[2 * index] or 0), int(sums[2 * index + 1] or 0)
            if total:
                rows.append({"name": SLO_HOUR, "key": hour_key(int(hour), sli), "count": total,
                             "total": float(bad), "low": None, "high": None})  # fmt: skip
    conn.execute(delete(_S).where(_S.c.name == SLO_HOUR))
    if rows:
        conn.execute(_S.insert(), rows)
