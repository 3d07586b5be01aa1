"""Per-minute aggregates of the requests table, for the console's charts.

A minute that ended more than `SETTLE_S` ago no longer changes (the audit writer lands
records within a fraction of a second): it is read from the table once and kept.
Each refresh reads only the rows of the minutes still open, so its cost depends on
the traffic of the last minute or two, not on the size of the table. A record that
lands later than that in a closed minute (replayed from the spill file after an
outage) is counted in the totals of the store but not in these charts.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from aimonitor.store import schema
from aimonitor.store.records import utc

MINUTE_S = 60
SETTLE_S = 10
HORIZON_MINUTES = 24 * 60
# Distinct rate-limited clients kept per minute; the rest are counted together.
MAX_CLIENTS_PER_MINUTE = 50
OTHER_CLIENTS = "(others)"
SERVED = frozenset({"served", "redacted"})
# Requests that reached the model: what the availability SLI counts (as the pipeline does).
REACHED_MODEL = frozenset({"served", "redacted", "error"})
HALLUCINATION_THRESHOLD = 0.5

_R = schema.requests
_COLUMNS = (
    _R.c.created_at,
    _R.c.status_code,
    _R.c.decision,
    _R.c.client,
    _R.c.latency_ms,
    _R.c.tokens_input,
    _R.c.tokens_output,
    _R.c.cost_eur,
    _R.c.score_trust,
    _R.c.score_compliance,
    _R.c.score_quality,
    _R.c.score_coherence,
    _R.c.score_hallucination,
    _R.c.guardrails,
    _R.c.findings,
)


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
    limited_clients: Counter[str] = field(default_factory=Counter)
    # What the console drew from this minute, by chart: a closed minute never changes.
    drawn: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Thresholds:
    latency_ms: float
    quality: float


def minute_of(moment: datetime) -> int:
    return int(utc(moment).timestamp()) // MINUTE_S * MINUTE_S


def nearest_rank(values: Sequence[float], percentile: float) -> float | None:
    if not values:
        return None
    return values[max(0, math.ceil(percentile / 100 * len(values)) - 1)]


def _families(reason: str) -> list[str]:
    # The injection guardrail's reason ends with its families: "... ≥ 0.50 (jailbreak, ...)".
    _, _, inside = reason.rpartition("(")
    if not inside.endswith(")"):
        return []
    return [part.strip() for part in inside[:-1].split(",") if part.strip()]


def aggregate(rows: Iterable[Any], thresholds: Thresholds) -> dict[int, Minute]:
    """Per-minute aggregates of request rows (the columns of `_COLUMNS`)."""
    minutes: dict[int, Minute] = {}
    latencies: dict[int, list[float]] = {}
    for row in rows:
        start = minute_of(row.created_at)
        minute = minutes.get(start)
        if minute is None:
            minute = minutes[start] = Minute(start)
            latencies[start] = []
        _add(minute, row, thresholds)
        if row.decision in SERVED:
            latencies[start].append(float(row.latency_ms))
    for start, values in latencies.items():
        values.sort()
        minute = minutes[start]
        minute.latency_p50 = nearest_rank(values, 50)
        minute.latency_p95 = nearest_rank(values, 95)
        minute.latency_p99 = nearest_rank(values, 99)
    return minutes


def _add(minute: Minute, row: Any, thresholds: Thresholds) -> None:
    minute.requests += 1
    decision = row.decision
    status = int(row.status_code)
    if status >= 500:
        minute.errors += 1
    if decision == "blocked":
        minute.blocked += 1
    elif decision == "redacted":
        minute.redacted += 1
    elif decision == "rate_limited":
        minute.rate_limited += 1
        _count_client(minute.limited_clients, row.client)
    minute.tokens += int(row.tokens_input) + int(row.tokens_output)
    minute.cost_eur += float(row.cost_eur)
    minute.trust.add(row.score_trust)
    minute.compliance.add(row.score_compliance)
    if decision in REACHED_MODEL:
        minute.availability.add(status < 500)
    if status == 200:
        minute.latency.add(float(row.latency_ms) <= thresholds.latency_ms)
        if row.score_quality is not None:
            minute.quality_sli.add(float(row.score_quality) >= thresholds.quality)
    minute.quality.add(row.score_quality)
    minute.coherence.add(row.score_coherence)
    if row.score_hallucination is not None:
        minute.hallucinations.add(float(row.score_hallucination) < HALLUCINATION_THRESHOLD)
    for trigger in row.guardrails or ():
        guardrail, action = str(trigger.get("guardrail")), str(trigger.get("action"))
        minute.triggers[(guardrail, action)] += 1
        if guardrail == "injection_protection":
            minute.attack_families.update(_families(str(trigger.get("reason", ""))))
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

    def __init__(self, engine: Engine, thresholds: Thresholds) -> None:
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
        query = select(*_COLUMNS).where(_R.c.created_at >= datetime.fromtimestamp(start, UTC))
        if end is not None:
            query = query.where(_R.c.created_at < datetime.fromtimestamp(end, UTC))
        with self._engine.connect() as conn:
            rows = conn.execute(query)
            return aggregate(rows, self._thresholds)

    def _evict(self, oldest: int) -> None:
        for start in [s for s in self._closed if s < oldest]:
            del self._closed[start]
        if self._loaded_from is not None and self._loaded_from < oldest:
            self._loaded_from = oldest
