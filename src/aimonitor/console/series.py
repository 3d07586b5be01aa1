"""Per-minute aggregates of the requests table, for the console's charts.

The database does the counting: sums and counts grouped by minute, percentiles of the
latency and of the time to first token by a window function, and only the requests
with a guardrail decision, a finding or a rate limit are read row by row. A minute
that ended more than `SETTLE_S` ago no longer changes (the writer lands records within
a fraction of a second): it is read once and kept, so a refresh reads only the
minutes still open, whatever the size of the table. A record that lands later than
that in a closed minute (replayed after an outage) counts in the store's totals and
in search, not in these charts.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)

from aimonitor.store import schema
from aimonitor.store.records import utc
from aimonitor.store.slo_hours import REACHED_MODEL, SloThresholds, time_bucket
from aimonitor.store.stats import HALLUCINATION_THRESHOLD

MINUTE_S = 60
SETTLE_S = 10
HORIZON_MINUTES = 24 * 60
# Distinct rate-limited clients kept per minute; the rest are counted together.
MAX_CLIENTS_PER_MINUTE = 50
OTHER_CLIENTS = "(others)"
SERVED = frozenset({"served", "redacted"})

_R = schema.requests
_EMPTY_TRIGGERS = "[]"
_EMPTY_FINDINGS = '{"input": {}, "output": {}}'
PERCENTILES = (50, 95, 99)
TTFT_PERCENTILES = (50, 95)


@dataclass(slots=True)
class Mean:
    total: float = 0.0
    count: int = 0

    def add(self, value: float | None) -> None:
        if value is not None and math.isfinite(value):
            self.total += value
            self.count += 1

    @property
    def value(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass(slots=True)
class Sli:
    total: int = 0
    bad: int = 0

    def add(self, good: bool) -> None:
        self.total += 1
        self.bad += 0 if good else 1


@dataclass(slots=True)
class Minute:
    """What one minute of requests adds up to."""

    start: int  # Unix time of the minute's first second
    requests: int = 0
    errors: int = 0  # answered with a 5xx
    blocked: int = 0
    redacted: int = 0
    rate_limited: int = 0
    latency_p50: float | None = None
    latency_p95: float | None = None
    latency_p99: float | None = None
    ttft_p50: float | None = None  # time to first token of streamed answers
    ttft_p95: float | None = None
    tokens: int = 0
    cost_eur: float = 0.0
    trust: Mean = field(default_factory=Mean)
    compliance: Mean = field(default_factory=Mean)
    quality: Mean = field(default_factory=Mean)
    coherence: Mean = field(default_factory=Mean)
    hallucinations: Sli = field(default_factory=Sli)  # bad = at or over the threshold
    availability: Sli = field(default_factory=Sli)
    latency: Sli = field(default_factory=Sli)
    quality_sli: Sli = field(default_factory=Sli)
    triggers: Counter[tuple[str, str]] = field(default_factory=Counter)  # (guardrail, action)
    personal_data: Counter[str] = field(default_factory=Counter)
    attack_families: Counter[str] = field(default_factory=Counter)
    attack_rules: Counter[str] = field(default_factory=Counter)
    limited_clients: Counter[str] = field(default_factory=Counter)
    # What the console drew from this minute, by chart: a closed minute never changes.
    drawn: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


def minute_of(moment: datetime) -> int:
    return int(utc(moment).timestamp()) // MINUTE_S * MINUTE_S


def minute_bucket(dialect: str) -> ColumnElement[Any]:
    """The Unix time of the minute a request was created in, computed by the database."""
    return time_bucket(dialect, MINUTE_S).label("minute")


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _minute_from_sums(row: Any) -> Minute:
    (start, requests, errors, blocked, redacted, limited, tokens, cost,
     trust, trust_n, compliance, compliance_n, quality, quality_n, coherence, coherence_n,
     hallucination_n, hallucination_bad, reached, reached_bad, answered, slow,
     scored, poor) = row  # fmt: skip
    return Minute(
        start=int(start),
        requests=int(requests),
        errors=int(errors or 0),
        blocked=int(blocked or 0),
        redacted=int(redacted or 0),
        rate_limited=int(limited or 0),
        tokens=int(tokens or 0),
        cost_eur=float(cost or 0.0),
        trust=Mean(float(trust or 0.0), int(trust_n)),
        compliance=Mean(float(compliance or 0.0), int(compliance_n)),
        quality=Mean(float(quality or 0.0), int(quality_n)),
        coherence=Mean(float(coherence or 0.0), int(coherence_n)),
        hallucinations=Sli(int(hallucination_n), int(hallucination_bad or 0)),
        availability=Sli(int(reached or 0), int(reached_bad or 0)),
        latency=Sli(int(answered or 0), int(slow or 0)),
        quality_sli=Sli(int(scored or 0), int(poor or 0)),
    )


@dataclass(frozen=True, slots=True)
class Percentiles:
    """Which percentiles of which column, over which requests, into which attributes
    (`<prefix><p>`)."""

    column: Any
    among: ColumnElement[bool]
    percentiles: tuple[int, ...]
    prefix: str


# Latency of served requests; time to first token of the streams that had one.
_LATENCY = Percentiles(_R.c.latency_ms, _R.c.decision.in_(SERVED), PERCENTILES, "latency_p")
_TTFT = Percentiles(_R.c.ttft_ms, _R.c.ttft_ms.is_not(None), TTFT_PERCENTILES, "ttft_p")


def _percentiles_query(
    bucket: ColumnElement[Any], window: list[Any], what: Percentiles
) -> Select[Any]:
    """The percentiles (nearest rank) of a column, per minute."""
    ranked = (
        select(
            bucket,
            what.column.label("value"),
            func.row_number().over(partition_by=bucket, order_by=what.column).label("rank"),
            func.count().over(partition_by=bucket).label("n"),
        )
        .where(*window, what.among)
        .subquery()
    )
    # Integer arithmetic: the nearest rank ceil(p * n / 100) as (p * n + 99) // 100.
    ranks = [nearest_rank(p, ranked.c.n) for p in what.percentiles]
    return select(ranked.c.minute, ranked.c.rank, ranked.c.n, ranked.c.value).where(
        or_(*(ranked.c.rank == rank for rank in ranks))
    )


def nearest_rank(percentile: int, count: Any) -> Any:
    """The 1-based nearest rank, ceil(p * n / 100), in integer arithmetic (n may be a
    column or a number)."""
    return (percentile * count + 99) // 100


def _details_query(bucket: ColumnElement[Any], window: list[Any]) -> Select[Any]:
    """The requests with a guardrail decision, a finding, or a rate limit."""
    columns = (_R.c.decision, _R.c.client, _R.c.guardrails, _R.c.findings, _R.c.attack)
    return select(bucket, *columns).where(
        *window,
        or_(
            cast(_R.c.guardrails, Text) != _EMPTY_TRIGGERS,
            cast(_R.c.findings, Text) != _EMPTY_FINDINGS,
            _R.c.decision == "rate_limited",
        ),
    )


def _add_details(minute: Minute, row: Any) -> None:
    if row.decision == "rate_limited":
        _count_client(minute.limited_clients, row.client)
    for trigger in row.guardrails or ():
        guardrail, action = str(trigger.get("guardrail")), str(trigger.get("action"))
        minute.triggers[(guardrail, action)] += 1
        if guardrail == "injection_protection":
            # What the detector named; rows stored before it was recorded hold NULL.
            attack = row.attack or {}
            minute.attack_families.update(str(f) for f in attack.get("families", ()))
            minute.attack_rules.update(str(r) for r in attack.get("rules", ()))
    for stage in (row.findings or {}).values():
        for kind, count in (stage or {}).items():
            minute.personal_data[str(kind)] += int(count)


def _count_client(clients: Counter[str], client: str) -> None:
    if client in clients or len(clients) < MAX_CLIENTS_PER_MINUTE:
        clients[client] += 1
    else:
        clients[OTHER_CLIENTS] += 1


class MinuteSeries:
    """The per-minute aggregates of the last 24 hours, read incrementally."""

    def __init__(self, engine: Engine, thresholds: SloThresholds) -> None:
        self._engine = engine
        self._thresholds = thresholds
        self._closed: dict[int, Minute] = {}
        self._loaded_from: int | None = None  # closed minutes from here on are in _closed
        self._closed_until = 0  # minutes before this are final
        self._lock = threading.Lock()

    def minutes(self, window_minutes: int, now: datetime | None = None) -> list[Minute]:
        """One `Minute` per minute of the window ending now, oldest first (empty
        minutes included, so the charts have a point per minute)."""
        window_minutes = max(1, min(window_minutes, HORIZON_MINUTES))
        moment = now or datetime.now(UTC)
        current = minute_of(moment)
        first = current - (window_minutes - 1) * MINUTE_S
        settled = minute_of(datetime.fromtimestamp(moment.timestamp() - SETTLE_S, UTC))
        with self._lock:
            self._load_closed(first, settled)
            fresh = self._read(max(first, settled), None)
            by_start = {**self._closed, **fresh}
            self._evict(current - HORIZON_MINUTES * MINUTE_S)
        return [
            by_start.get(start) or Minute(start)
            for start in range(first, current + MINUTE_S, MINUTE_S)
        ]

    def _load_closed(self, first: int, settled: int) -> None:
        """Read the closed minutes not read yet: those before what was loaded, and
        those that closed since the last refresh."""
        if self._loaded_from is None or first < self._loaded_from:
            end = settled if self._loaded_from is None else self._loaded_from
            if first < end:
                self._closed.update(self._read_closed(first, end))
            self._loaded_from = first
            self._closed_until = max(self._closed_until, end)
        if self._closed_until < settled:
            self._closed.update(self._read_closed(self._closed_until, settled))
            self._closed_until = settled

    def _read_closed(self, start: int, end: int) -> dict[int, Minute]:
        """Closed minutes, the empty ones included: they are kept, not rebuilt."""
        minutes = self._read(start, end)
        for moment in range(start, end, MINUTE_S):
            minutes.setdefault(moment, Minute(moment))
        return minutes

    def _read(self, start: int, end: int | None) -> dict[int, Minute]:
        """The minutes of [start, end) that have requests, aggregated by the database:
        counts and sums per minute, latency percentiles, and the guardrail decisions
        and findings of the (few) requests that have some."""
        window = [_R.c.created_at >= datetime.fromtimestamp(start, UTC)]
        if end is not None:
            window.append(_R.c.created_at < datetime.fromtimestamp(end, UTC))
        with self._engine.connect() as conn:
            bucket = minute_bucket(conn.dialect.name)
            minutes = {
                int(row[0]): _minute_from_sums(row)
                for row in conn.execute(self._sums_query(bucket, window))
            }
            for what in (_LATENCY, _TTFT):
                for row in conn.execute(_percentiles_query(bucket, window, what)):
                    minute = minutes.get(int(row.minute))
                    for p in what.percentiles:  # with few values, one rank serves several
                        if minute is not None and nearest_rank(p, int(row.n)) == int(row.rank):
                            setattr(minute, f"{what.prefix}{p}", float(row.value))
            for row in conn.execute(_details_query(bucket, window)):
                minute = minutes.get(int(row.minute))
                if minute is not None:
                    _add_details(minute, row)
        return minutes

    def _sums_query(self, bucket: ColumnElement[Any], window: list[Any]) -> Select[Any]:
        status, decision = _R.c.status_code, _R.c.decision
        ok = status == 200
        reached = decision.in_(REACHED_MODEL)
        quality = _R.c.score_quality
        hallucination = _R.c.score_hallucination
        columns = [
            func.count(),
            _count(status >= 500),
            _count(decision == "blocked"),
            _count(decision == "redacted"),
            _count(decision == "rate_limited"),
            func.sum(_R.c.tokens_input + _R.c.tokens_output),
            func.sum(_R.c.cost_eur),
        ]
        for score in (_R.c.score_trust, _R.c.score_compliance, quality, _R.c.score_coherence):
            columns += [func.sum(score), func.count(score)]
        columns += [
            func.count(hallucination),
            _count(hallucination >= HALLUCINATION_THRESHOLD),
            _count(reached),
            _count(and_(reached, status >= 500)),
            _count(ok),
            _count(and_(ok, _R.c.latency_ms > self._thresholds.latency_ms)),
            _count(and_(ok, quality.is_not(None))),
            _count(and_(ok, quality < self._thresholds.quality)),
        ]
        return select(bucket, *columns).where(*window).group_by(bucket)

    def _evict(self, oldest: int) -> None:
        for start in [s for s in self._closed if s < oldest]:
            del self._closed[start]
        if self._loaded_from is not None and self._loaded_from < oldest:
            self._loaded_from = oldest
