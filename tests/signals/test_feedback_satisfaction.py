from __future__ import annotations

import pytest

from aimonitor.rolling import RollingMean
from aimonitor.signals.feedback import rating_to_score


def test_rating_scale() -> None:
    assert [rating_to_score(r) for r in range(1, 6)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError):
        rating_to_score(0)


def test_rolling_mean_forgets_old_ratings() -> None:
    satisfaction = RollingMean(window=3)
    assert satisfaction.value is None
    for rating in (1, 1, 1, 5, 5, 5):
        satisfaction.add(rating_to_score(rating))
    assert satisfaction.value == 1.0
    assert len(satisfaction) == 3
    assert satisfaction.add(rating_to_score(3)) == pytest.approx((1 + 1 + 0.5) / 3)
