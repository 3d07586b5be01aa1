"""Pieces of `stats()`: the percentile rule and the shape of the result."""

from __future__ import annotations

import math
from typing import Any

PERCENTILES = (50, 95, 99)
# A request counts as a hallucination when its hallucination score reaches this.
HALLUCINATION_THRESHOLD = 0.5


def nearest_rank_index(count: int, percentile: float) -> int:
    """0-based index of the nearest-rank percentile in `count` sorted values."""
    return max(0, math.ceil(percentile / 100 * count) - 1)


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


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
