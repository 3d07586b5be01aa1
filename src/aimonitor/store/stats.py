"""`stats()` from running aggregates: its cost does not grow with the stored requests.

Each batch of inserts adds its requests and feedback to the `stats_aggregates` table in
the same transaction (sql.py), as rows (name, key) -> count, total, low, high:

    scenario_status  "<scenario> <status>"   count
    decision         "<decision>"            count
    latency          ""                      count, sum, min, max
    latency_bucket   "<i>"                   count, min, max of the latencies in bucket i
    tokens_input / tokens_output / cost_eur  sum
    score            "<name>"                count of requests with that score, sum
    hallucination    ""                      scored requests, how many reach the threshold
    feedback         ""                      count, sum of ratings

Latency percentiles come from the buckets, 1 % wide on a log scale: the nearest-rank
value is exact when its bucket holds one distinct latency, and within 1 % otherwise.
`stats()` reads at most a few thousand rows whatever the number of requests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aimonitor.store.records import FeedbackRecord, RequestRecord
from aimonitor.store.schema import SCORE_COLUMNS

PERCENTILES = (50, 95, 99)
# A request counts as a hallucination when its hallucination score reaches this.
HALLUCINATION_THRESHOLD = 0.5
SCORE_NAMES = SCORE_COLUMNS
_BUCKET_GROWTH = math.log(1.01)
_ZERO_BUCKET = -(10**6)  # zero and negative latencies


def nearest_rank_index(count: int, percentile: float) -> int:
    """0-based index of the nearest-rank percentile in `count` sorted values."""
    return max(0, math.ceil(percentile / 100 * count) - 1)


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def latency_bucket(latency_ms: float) -> int:
    if not latency_ms > 0:
        return _ZERO_BUCKET
    return math.floor(math.log(latency_ms) / _BUCKET_GROWTH)


@dataclass(slots=True)
class Aggregate:
    count: int = 0
    total: float = 0.0
    low: float | None = None
    high: float | None = None

    def add(self, value: float = 0.0, *, count: int = 1, bounds: bool = False) -> None:
        self.count += count
        self.total += value
        if bounds:
            self.low = value if self.low is None else min(self.low, value)
            self.high = value if self.high is None else max(self.high, value)


Key = tuple[str, str]


def aggregate(
    requests: Iterable[RequestRecord], feedback: Iterable[FeedbackRecord]
) -> dict[Key, Aggregate]:
    """What a batch adds to the running aggregates."""
    out: dict[Key, Aggregate] = {}

    def at(name: str, key: str = "") -> Aggregate:
        found = out.get((name, key))
        if found is None:
            found = out[(name, key)] = Aggregate()
        return found

    for r in requests:
        latency = float(r.latency_ms) if math.isfinite(r.latency_ms) else 0.0
        at("scenario_status", f"{r.scenario} {r.status_code}").add()
        at("decision", str(r.decision)).add()
        at("latency").add(latency, bounds=True)
        at("latency_bucket", str(latency_bucket(latency))).add(latency, bounds=True)
        at("tokens_input").add(r.tokens_input, count=0)
        at("tokens_output").add(r.tokens_output, count=0)
        if math.isfinite(r.cost_eur):
            at("cost_eur").add(r.cost_eur, count=0)
        for name in SCORE_NAMES:
            score = r.scores.get(name)
            if score is not None and math.isfinite(score):
                at("score", name).add(score)
        hallucination = r.scores.get("hallucination")
        if hallucination is not None and math.isfinite(hallucination):
            at("hallucination").add(1.0 if hallucination >= HALLUCINATION_THRESHOLD else 0.0)
    for f in feedback:
        at("feedback").add(f.rating)
    return out


def empty_stats() -> dict[str, Any]:
    return {
        "total_requests": 0,
        "by_scenario": {},
        "by_status": {},
        "by_scenario_status": {},
        "by_decision": {},
        "errors": 0,
        "blocked": 0,
        "rate_limited": 0,
        "latency_ms": {"mean": None, "p50": None, "p95": None, "p99": None},
        "tokens": {"input": 0, "output": 0},
        "cost_eur": 0.0,
        "scores": {},
        "hallucination_rate": None,
        "feedback": {"count": 0, "mean_rating": None},
    }


def stats_from(aggregates: dict[Key, Aggregate]) -> dict[str, Any]:
    """The answer of `stats()` from the aggregate rows."""
    result = empty_stats()
    feedback = aggregates.get(("feedback", ""))
    if feedback is not None and feedback.count:
        result["feedback"] = {
            "count": feedback.count,
            "mean_rating": rounded(feedback.total / feedback.count),
        }
    latency = aggregates.get(("latency", ""))
    if latency is None or latency.count == 0:
        return result
    total = latency.count
    nested: dict[str, dict[str, int]] = {}
    by_decision: dict[str, int] = {}
    scores: dict[str, float | None] = dict.fromkeys(SCORE_NAMES)
    buckets: list[tuple[int, Aggregate]] = []
    for (name, key), value in aggregates.items():
        if name == "scenario_status":
            scenario, status = key.rsplit(" ", 1)
            nested.setdefault(scenario, {})[status] = value.count
        elif name == "decision":
            by_decision[key] = value.count
        elif name == "score" and value.count:
            scores[key] = rounded(value.total / value.count)
        elif name == "latency_bucket":
            buckets.append((int(key), value))
    by_status: dict[str, int] = {}
    for statuses in nested.values():
        for status, count in statuses.items():
            by_status[status] = by_status.get(status, 0) + count
    hallucination = aggregates.get(("hallucination", ""))

    def summed(name: str) -> float:
        found = aggregates.get((name, ""))
        return 0.0 if found is None else found.total

    result.update(
        total_requests=total,
        by_scenario={s: sum(v.values()) for s, v in nested.items()},
        by_status=by_status,
        by_scenario_status=nested,
        by_decision=by_decision,
        errors=by_decision.get("error", 0),
        blocked=by_decision.get("blocked", 0),
        rate_limited=by_decision.get("rate_limited", 0),
        tokens={"input": int(summed("tokens_input")), "output": int(summed("tokens_output"))},
        cost_eur=round(summed("cost_eur"), 6),
        scores=scores,
        hallucination_rate=(
            rounded(hallucination.total / hallucination.count)
            if hallucination is not None and hallucination.count
            else None
        ),
    )
    percentiles: dict[str, float | None] = {"mean": rounded(latency.total / total, 3)}
    buckets.sort(key=lambda item: item[0])
    for p in PERCENTILES:
        percentiles[f"p{p}"] = rounded(_value_at(buckets, nearest_rank_index(total, p)), 3)
    result["latency_ms"] = percentiles
    return result


def _value_at(buckets: list[tuple[int, Aggregate]], index: int) -> float | None:
    """The latency at 0-based rank `index`, interpolated inside its bucket."""
    seen = 0
    for _, bucket in buckets:
        if index < seen + bucket.count:
            low = bucket.low if bucket.low is not None else 0.0
            high = bucket.high if bucket.high is not None else low
            if bucket.count == 1 or high == low:
                return low
            return low + (high - low) * (index - seen) / (bucket.count - 1)
        seen += bucket.count
    return None
