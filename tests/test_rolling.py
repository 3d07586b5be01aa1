from __future__ import annotations

from aimonitor.rolling import RollingMean


def test_rolling_mean_forgets_old_values() -> None:
    mean = RollingMean(window=3)
    assert mean.value is None
    for value in (1.0, 2.0, 3.0):
        mean.add(value)
    assert mean.value == 2.0
    assert mean.add(7.0) == 4.0  # 2, 3, 7
    assert len(mean) == 3
