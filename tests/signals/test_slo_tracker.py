from __future__ import annotations

import pytest

from aimonitor.signals.slo import SloTracker


def test_burn_rate_is_error_ratio_over_budget() -> None:
    slo = SloTracker(latency_threshold_s=1.0, quality_threshold=0.8, window_s=3600)
    for i in range(1000):
        slo.record(1000.0 + i, available=i % 100 != 0, latency_s=2.0 if i < 20 else 0.1,
                   quality=0.5 if i < 100 else 0.9)  # fmt: skip
    rates = slo.burn_rates(2000.0)
    assert rates["availability"] == pytest.approx((10 / 1000) / 0.005)
    assert rates["latency"] == pytest.approx((20 / 1000) / 0.01)
    assert rates["quality"] == pytest.approx((100 / 1000) / 0.05)


def test_none_means_not_applicable() -> None:
    slo = SloTracker()
    slo.record(10.0, available=False, latency_s=None, quality=None)
    assert slo.totals(10.0) == {"availability": (0, 1), "latency": (0, 0), "quality": (0, 0)}
    assert slo.burn_rates(10.0)["latency"] == 0.0


def test_thresholds_are_inclusive() -> None:
    slo = SloTracker(latency_threshold_s=1.0, quality_threshold=0.8)
    slo.record(1.0, available=True, latency_s=1.0, quality=0.8)
    assert slo.totals(1.0)["latency"] == (1, 0)
    assert slo.totals(1.0)["quality"] == (1, 0)


def test_old_events_leave_the_window() -> None:
    slo = SloTracker(window_s=600, buckets=60)
    slo.record(0.0, available=False, latency_s=None, quality=None)
    assert slo.burn_rates(100.0)["availability"] > 0
    slo.record(700.0, available=True, latency_s=None, quality=None)
    assert slo.totals(700.0)["availability"] == (1, 0)
    assert slo.burn_rates(700.0)["availability"] == 0.0


def test_memory_is_bounded_by_buckets() -> None:
    slo = SloTracker(window_s=60, buckets=6)
    for i in range(10_000):
        slo.record(i * 0.5, available=True, latency_s=0.1, quality=0.9)
    assert len(slo._buckets) <= 7


def test_late_events_land_in_their_bucket_and_too_old_ones_are_dropped() -> None:
    slo = SloTracker(window_s=100, buckets=10)
    slo.record(500.0, available=True, latency_s=None, quality=None)
    slo.record(450.0, available=False, latency_s=None, quality=None)
    slo.record(100.0, available=False, latency_s=None, quality=None)  # outside the window
    assert slo.totals(500.0)["availability"] == (1, 1)
    assert list(slo._buckets) == sorted(slo._buckets)


def test_feedback_counts_as_a_quality_event() -> None:
    slo = SloTracker()
    slo.record(100.0, available=True, latency_s=0.1, quality=0.9)
    slo.record_feedback(1)
    slo.record_feedback(5, now=101.0)
    slo.record_feedback(3)
    assert slo.totals(101.0)["quality"] == (3, 1)
    with pytest.raises(ValueError):
        slo.record_feedback(6)


def test_objectives_are_validated() -> None:
    with pytest.raises(ValueError):
        SloTracker(objectives={"availability": 0.99})
    with pytest.raises(ValueError):
        SloTracker(objectives={"availability": 1.0, "latency": 0.9, "quality": 0.9})
