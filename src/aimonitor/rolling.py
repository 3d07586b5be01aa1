"""The bounded rolling mean behind the gauges that summarise recent requests (trust,
coherence, compliance, satisfaction): one implementation for all of them."""

from __future__ import annotations

import math
import threading
from collections import deque


class RollingMean:
    """Thread-safe mean of the last `window` values; `None` until the first value."""

    def __init__(self, window: int = 200) -> None:
        if window < 1:
            raise ValueError("window must be ≥ 1")
        self._values: deque[float] = deque(maxlen=window)
        self._sum = 0.0
        self._added = 0
        self._lock = threading.Lock()

    def add(self, value: float) -> float:
        with self._lock:
            if len(self._values) == self._values.maxlen:
                self._sum -= self._values[0]
            self._values.append(value)
            self._sum += value
            self._added += 1
            # A running sum drifts by float rounding; recompute it once per window.
            if self._added % len(self._values) == 0:
                self._sum = math.fsum(self._values)
            return self._sum / len(self._values)

    @property
    def value(self) -> float | None:
        with self._lock:
            return self._sum / len(self._values) if self._values else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
