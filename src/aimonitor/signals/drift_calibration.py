"""A calibrated two-sample test of mean shift, the statistic behind each drift dimension.

Every prompt is a feature vector x (an embedding, a one-hot length bin, a one-hot
language). With a linear kernel the (biased) maximum mean discrepancy between a
reference sample R (m vectors) and the current window W (n vectors) is the squared
distance between their centroids:

    D = || mean(R) - mean(W) ||²

Under "no drift" D is a quadratic form in the centroid difference, whose covariance
is Σ·(1/m + 1/n); so its null distribution scales with (1/m + 1/n). Calibration uses
the reference alone: P random splits of R into two disjoint parts of sizes a and b
(b = min(n, m // 2), a = m - b) give P draws of D for sizes (a, b), rescaled by
(1/m + 1/n) / (1/a + 1/b). Their mean is the null mean μ0; a scaled χ² (g·χ²_h,
Satterthwaite: matched to the permutation mean and variance) gives the threshold τ,
the (1 - level) quantile, computed with the Wilson-Hilferty approximation (slightly
conservative for small h). The splits are evaluated through the m × m Gram matrix
of R, so calibration costs P·m² operations whatever the feature dimension.

Categorical dimensions (one-hot length bin, language) are calibrated by a parametric
bootstrap on the reference instead (`calibrate_categorical`), the posterior predictive
of the window given the reference actually observed: 20,000 times, draw category shares
p* ~ Dirichlet(reference counts + 1/2) (the categories seen in the reference), then a
window's counts ~ Multinomial(n, p*), and compute D against the fixed reference shares.
This is exact for small samples and rare categories, where a χ² fit underestimates the
tail, and it accounts for the reference being itself a sample: with the plain bootstrap
(shares fixed at the reference's), the threshold inherits the reference's noise and the
false-alarm rate averaged over references came out ~1.5x the target in simulation.

A floor keeps τ - μ0 above a minimal effect size, so that a reference with no
variability at all (every prompt identical) does not alarm on the first new word.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Calibration:
    """What calibration learnt about one dimension's statistic under no drift."""

    null_mean: float  # μ0, expected statistic with no drift
    threshold: float  # τ, the statistic's (1 - level) quantile with no drift
    level: float  # per-check false-alarm probability this threshold targets
    permutations: int


def mean_shift(reference_mean: Matrix, window_mean: Matrix) -> float:
    """D = ||mean(R) - mean(W)||²."""
    diff = reference_mean - window_mean
    return float(diff @ diff)


def calibrate(
    reference: Matrix,
    window_size: int,
    level: float,
    rng: np.random.Generator,
    *,
    floor: float,
    permutations: int = 2000,
) -> Calibration:
    """Null mean and (1 - level) threshold of `mean_shift` for a window of `window_size`."""
    m = reference.shape[0]
    if m < 4:
        raise ValueError("calibration needs at least 4 reference samples")
    b = min(window_size, m // 2)
    a = m - b
    gram = reference @ reference.T
    draws = []
    for start in range(0, permutations, _CHUNK):
        k = min(_CHUNK, permutations - start)
        order = np.argsort(rng.random((k, m)), axis=1)
        weights = np.full((k, m), 1.0 / a)
        np.put_along_axis(weights, order[:, :b], -1.0 / b, axis=1)
        draws.append(np.einsum("pi,pi->p", weights @ gram, weights))
    stats = np.concatenate(draws) * ((1 / m + 1 / window_size) / (1 / a + 1 / b))
    null_mean = float(stats.mean())
    threshold = _scaled_chi2_quantile(null_mean, float(stats.var()), 1.0 - level)
    threshold = max(threshold, null_mean + floor)
    return Calibration(null_mean, threshold, level, permutations)


def _scaled_chi2_quantile(mean: float, var: float, q: float) -> float:
    """Quantile q of g·χ²_h with mean g·h = mean and variance 2g²h = var."""
    if mean <= 0 or var <= 0:
        return max(mean, 0.0)
    g = var / (2 * mean)
    h = 2 * mean * mean / var
    z = NormalDist().inv_cdf(q)
    c = 2 / (9 * h)
    return g * h * max(1 - c + z * math.sqrt(c), 0.0) ** 3


def calibrate_categorical(
    categories: npt.NDArray[np.int64],
    n_categories: int,
    window_size: int,
    level: float,
    rng: np.random.Generator,
    *,
    floor: float,
    draws: int = 20_000,
) -> Calibration:
    """Null mean and (1 - level) threshold of `mean_shift` between one-hot shares,
    from the posterior predictive distribution of a window given the reference."""
    m = categories.size
    if m < 4:
        raise ValueError("calibration needs at least 4 reference samples")
    counts = np.bincount(categories, minlength=n_categories)
    seen = counts > 0
    shares = np.zeros((draws, n_categories))
    if seen.sum() > 1:
        shares[:, seen] = rng.dirichlet(counts[seen] + 0.5, size=draws)
    else:
        shares[:, seen] = 1.0
    window = rng.multinomial(window_size, shares) / window_size
    stats = ((window - counts / m) ** 2).sum(axis=1)
    null_mean = float(stats.mean())
    # Below about 10 / draws, the draws cannot show the quantile: D is a quadratic form
    # in the window's shares, whose tail the scaled χ² (as in `calibrate`) extends.
    empirical = float(np.quantile(stats, 1.0 - max(level, 10 / draws)))
    tail = _scaled_chi2_quantile(null_mean, float(stats.var()), 1.0 - level)
    threshold = max(empirical, tail, null_mean + floor)
    return Calibration(null_mean, threshold, level, draws)
