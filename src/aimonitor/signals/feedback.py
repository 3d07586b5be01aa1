"""Rolling user satisfaction: the mean of the last ratings, scaled to [0, 1].

A rating r in 1..5 maps to (r - 1) / 4, so 1 → 0, 3 → 0.5, 5 → 1.
"""

from __future__ import annotations

import threading
from collections import deque


def rating_to_score(rating: int) -> float:
    if not 1 <= rating <= 5:
        raise ValueError("rating must be between 1 and 5")
    return (rating - 1) / 4


class RollingSatisfaction:
    """Thread-safe mean of the last `window` ratings; None before the first."""

    def __init__(self, window: int = 500) -> None:
        self._scores: deque[float] = deque(maxlen=window)
        self._sum = 0.0
        self._lock = threading.Lock()

    def add(self, rating: int) -> float:
        score = rating_to_score(rating)
        with self._lock:
            if len(self._scores) == self._scores.maxlen:
                self._sum -= self._scores[0]
            self._scores.append(score)
            self._sum += score
            return self._sum / len(self._scores)

    @property
    def value(self) -> float | None:
        with self._lock:
            return self._sum / len(self._scores) if self._scores else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._scores)
