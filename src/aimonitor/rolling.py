"""Bounded rolling means for the gauges that summarise recent requests."""

from __future__ import annotations

import threading
from collections import deque


class RollingMean:
    """Mean of the last `window` values; `None` until the first value."""

    def __init__(self, window: int = 200) -> None:
        self._values: deque[float] = deque(maxlen=window)
        self._sum = 0.0
        self._lock = threading.Lock()

    def add(self, value: float) -> float:
        with self._lock:
            if len(self._values) == self._values.maxlen:
                self._sum -= self._values[0]
            self._values.append(value)
            self._sum += value
            return self._sum / len(self._values)

    @property
    def value(self) -> float | None:
        with self._lock:
            return self._sum / len(self._values) if self._values else None

    def __len__(self) -> int:
        return len(self._values)
