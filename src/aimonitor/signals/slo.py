"""SLIs and a per-instance error-budget burn rate over a rolling window.

Three SLIs, each a good/bad event count:

- availability: every request; bad when answered with a 5xx (`available=False`).
- latency: requests that got an answer; bad when latency > `latency_threshold_s`.
- quality: answers with a quality score; bad when score < `quality_threshold`.
  User feedback counts as one more quality event (`record_feedback`): a rating of
  1 or 2 is bad, 3 to 5 good. A user's explicit verdict thus weighs as much as one
  measured answer.

burn rate = (bad / total over the last `window_s`) / (1 - objective): 1 spends the
error budget exactly at the pace the objective allows; 14.4 over one hour spends
2% of a 30-day budget. This is one instance's view (each replica counts its own
requests); the authoritative multi-window burn rates are the Prometheus
recording rules built from the `ai_sli_*` counters of all instances.

Memory is bounded: events are counted in `buckets` time buckets (default 60) of
window_s / buckets seconds each.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Final

SLOS: Final = ("availability", "latency", "quality")
DEFAULT_OBJECTIVES: Final = {"availability": 0.995, "latency": 0.99, "quality": 0.95}
GOOD_RATING_MIN: Final = 3


class SloTracker:
    def __init__(
        self,
        latency_threshold_s: float = 1.0,
        quality_threshold: float = 0.8,
        objectives: dict[str, float] | None = None,
        window_s: float = 3600.0,
        buckets: int = 60,
    ) -> None:
        self.objectives = dict(DEFAULT_OBJECTIVES if objectives is None else objectives)
        if set(self.objectives) != set(SLOS):
            raise ValueError(f"objectives must name exactly {SLOS}")
        if not all(0 < o < 1 for o in self.objectives.values()):
            raise ValueError("objectives must be strictly between 0 and 1")
        if window_s <= 0 or buckets < 1:
            raise ValueError("window_s must be positive and buckets at least 1")
        self.latency_threshold_s = latency_threshold_s
        self.quality_threshold = quality_threshold
        self.window_s = window_s
        self._bucket_s = window_s / buckets
        # bucket index -> {slo: [good, bad]}
        self._buckets: OrderedDict[int, dict[str, list[int]]] = OrderedDict()
        self._last_now: float | None = None
        self._lock = threading.Lock()

    def latency_ok(self, latency_s: float) -> bool:
        return latency_s <= self.latency_threshold_s

    def quality_ok(self, quality: float) -> bool:
        return quality >= self.quality_threshold

    def record(
        self, now: float, available: bool, latency_s: float | None, quality: float | None
    ) -> None:
        with self._lock:
            counts = self._bucket(now)
            if counts is None:
                return
            counts["availability"][0 if available else 1] += 1
            if latency_s is not None:
                counts["latency"][0 if self.latency_ok(latency_s) else 1] += 1
            if quality is not None:
                counts["quality"][0 if self.quality_ok(quality) else 1] += 1

    def record_feedback(self, rating: int, now: float | None = None) -> None:
        """A user rating as a quality event; `now` defaults to the latest time seen."""
        if not 1 <= rating <= 5:
            raise ValueError("rating must be between 1 and 5")
        with self._lock:
            when = now if now is not None else (self._last_now or time.time())
            counts = self._bucket(when)
            if counts is not None:
                counts["quality"][0 if rating >= GOOD_RATING_MIN else 1] += 1

    def totals(self, now: float) -> dict[str, tuple[int, int]]:
        """(good, bad) per SLI over the window ending at `now`."""
        with self._lock:
            first = self._index(now - self.window_s)
            sums = {slo: [0, 0] for slo in SLOS}
            for index, counts in self._buckets.items():
                if index > first:
                    for slo in SLOS:
                        sums[slo][0] += counts[slo][0]
                        sums[slo][1] += counts[slo][1]
            return {slo: (good, bad) for slo, (good, bad) in sums.items()}

    def burn_rates(self, now: float) -> dict[str, float]:
        rates = {}
        for slo, (good, bad) in self.totals(now).items():
            total = good + bad
            rates[slo] = (bad / total) / (1 - self.objectives[slo]) if total else 0.0
        return rates

    def _index(self, t: float) -> int:
        return math.floor(t / self._bucket_s)

    def _bucket(self, now: float) -> dict[str, list[int]] | None:
        """The bucket for `now`, created if needed; None if `now` is already out of the window."""
        if self._last_now is None or now > self._last_now:
            self._last_now = now
        index = self._index(now)
        oldest_kept = self._index(self._last_now - self.window_s)
        if index <= oldest_kept:
            return None
        while self._buckets and next(iter(self._buckets)) <= oldest_kept:
            self._buckets.popitem(last=False)
        counts = self._buckets.get(index)
        if counts is None:
            late = bool(self._buckets) and index < next(reversed(self._buckets))
            counts = {slo: [0, 0] for slo in SLOS}
            self._buckets[index] = counts
            if late:
                # A late event opened an older bucket: keep the buckets in time order.
                self._buckets = OrderedDict(sorted(self._buckets.items()))
        return counts
