from __future__ import annotations

import numpy as np
import pytest

from aimonitor.signals.drift import score_from_statistic
from aimonitor.signals.drift_calibration import (
    Calibration,
    calibrate,
    calibrate_categorical,
    mean_shift,
)


def test_threshold_holds_its_level_on_gaussian_data() -> None:
    # Fresh windows from the reference's distribution exceed τ about `level` of the time.
    rng = np.random.default_rng(0)
    exceed = trials = 0
    for run in range(20):
        reference = rng.normal(size=(200, 8))
        cal = calibrate(reference, 100, 0.05, np.random.default_rng(run), floor=0.0)
        ref_mean = reference.mean(axis=0)
        for _ in range(200):
            window = rng.normal(size=(100, 8))
            exceed += mean_shift(ref_mean, window.mean(axis=0)) > cal.threshold
            trials += 1
    assert 0.02 <= exceed / trials <= 0.08


def test_null_mean_matches_theory() -> None:
    # E[D] = tr(Σ)(1/m + 1/n); Σ = I in 8 dimensions.
    reference = np.random.default_rng(1).normal(size=(400, 8))
    cal = calibrate(reference, 100, 0.01, np.random.default_rng(1), floor=0.0)
    assert cal.null_mean == pytest.approx(8 * (1 / 400 + 1 / 100), rel=0.15)


def test_floor_applies_to_a_constant_reference() -> None:
    reference = np.ones((50, 4))
    cal = calibrate(reference, 20, 0.01, np.random.default_rng(0), floor=0.02)
    assert cal.null_mean == pytest.approx(0.0, abs=1e-12)
    assert cal.threshold == pytest.approx(0.02)


def test_score_mapping_anchors() -> None:
    cal = Calibration(null_mean=0.01, threshold=0.03, level=0.01, permutations=1)
    assert score_from_statistic(0.0, cal) == 0.0
    assert score_from_statistic(0.01, cal) == 0.0
    assert score_from_statistic(0.03, cal) == pytest.approx(0.7)
    assert score_from_statistic(0.05, cal) == pytest.approx(0.91)
    assert score_from_statistic(10.0, cal) <= 1.0


def test_calibration_needs_a_few_samples() -> None:
    with pytest.raises(ValueError):
        calibrate(np.zeros((3, 2)), 10, 0.01, np.random.default_rng(0), floor=0.0)


def test_categorical_threshold_holds_its_level_averaged_over_references() -> None:
    # A skewed distribution with rare categories, like prompt-length bins.
    shares = np.array([0.005, 0.15, 0.83, 0.015])
    rng = np.random.default_rng(3)
    rates = []
    for run in range(200):
        reference = rng.choice(4, size=200, p=shares)
        cal = calibrate_categorical(reference, 4, 100, 0.05, np.random.default_rng(run), floor=0.0)
        ref_shares = np.bincount(reference, minlength=4) / 200
        windows = rng.multinomial(100, shares, size=2000) / 100
        rates.append(float((((windows - ref_shares) ** 2).sum(axis=1) > cal.threshold).mean()))
    assert 0.03 <= float(np.mean(rates)) <= 0.07


def test_categorical_single_category_reference_uses_the_floor() -> None:
    cal = calibrate_categorical(
        np.zeros(100, dtype=np.int64), 6, 50, 0.01, np.random.default_rng(0), floor=0.02
    )
    assert cal.null_mean == 0.0
    assert cal.threshold == pytest.approx(0.02)
