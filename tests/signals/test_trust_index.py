from __future__ import annotations

import pytest

from aimonitor.signals.trust import TRUST_WEIGHTS, compute_trust, security_score


def test_weights_sum_to_one() -> None:
    assert sum(TRUST_WEIGHTS.values()) == pytest.approx(1.0)


def test_perfect_and_worst_requests() -> None:
    assert compute_trust(1, 1, 1, 0, 1).score == 1.0
    assert compute_trust(0, 0, 0, 1, 0).score == 0.0


def test_weighted_mean_with_every_term_visible() -> None:
    result = compute_trust(quality=0.8, security=0.5, compliance=1.0, drift=0.3, feedback=0.25)
    expected = 0.3 * 0.8 + 0.3 * 0.5 + 0.2 * 1.0 + 0.1 * 0.7 + 0.1 * 0.25
    assert result.score == pytest.approx(expected, abs=1e-4)
    assert result.terms == {
        "quality": 0.8, "security": 0.5, "compliance": 1.0, "drift": 0.7, "feedback": 0.25,
    }  # fmt: skip


def test_missing_feedback_shares_its_weight_proportionally() -> None:
    result = compute_trust(quality=1.0, security=0.0, compliance=1.0, drift=0.0, feedback=None)
    assert "feedback" not in result.terms
    assert sum(result.weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert result.weights["quality"] == pytest.approx(0.3 / 0.9, abs=1e-4)
    assert result.score == pytest.approx((0.3 + 0.2 + 0.1) / 0.9, abs=1e-4)


def test_inputs_are_clipped() -> None:
    assert compute_trust(1.5, -1, 1, 2, None).terms["security"] == 0.0
    assert compute_trust(1.5, -1, 1, 2, None).terms["drift"] == 0.0


@pytest.mark.parametrize(
    ("attack", "toxicity", "pii", "expected"),
    [
        (0.0, 0.0, 0, 1.0),
        (0.9, 0.1, 0, 0.1),
        (0.1, 0.7, 0, 0.3),
        (0.0, 0.0, 1, 0.8),
        (0.0, 0.0, 2, 0.6),
        (0.0, 0.0, 10, 0.4),  # capped: personal data alone is not an attack
        (1.0, 0.0, 10, 0.0),
    ],
)
def test_security_score(attack: float, toxicity: float, pii: int, expected: float) -> None:
    assert security_score(attack, toxicity, pii) == pytest.approx(expected)
