"""User satisfaction: a rating r in 1..5 maps to (r - 1) / 4, so 1 → 0, 3 → 0.5, 5 → 1;
the gauge is the rolling mean of the last scores (`aimonitor.rolling.RollingMean`).
"""

from __future__ import annotations


def rating_to_score(rating: int) -> float:
    if not 1 <= rating <= 5:
        raise ValueError("rating must be between 1 and 5")
    return (rating - 1) / 4
