from __future__ import annotations

import math

import pytest

from aimonitor.rolling import RollingMean


def test_rolling_mean_forgets_old_values() -> None:
    mean = RollingMean(window=3)
    assert mean.value is None
    for value in (1.0, 2.0, 3.0):
        mean.add(value)
    assert mean.value == 2.0
    assert mean.add(7.0) == 4.0  # 2, 3, 7
    assert len(mean) == 3


def test_rolling_mean_stays_exact_over_many_values() -> None:
    mean = RollingMean(window=7)
    values = [(i % 10) / 10 for i in range(10_000)]
    for value in values:
        mean.add(value)
    assert mean.value is not None
    assert math.isclose(mean.value, math.fsum(values[-7:]) / 7, abs_tol=1e-12)


def test_rolling_mean_needs_a_window() -> None:
    with pytest.raises(ValueError):
        RollingMean(window=0)
