"""The trust index: a documented weighted mean of five terms in [0, 1].

    trust = 0.30·quality + 0.30·security + 0.20·compliance
            + 0.10·(1 - drift) + 0.10·feedback

When there is no feedback yet, its weight is shared out over the other terms in
proportion to their weights (so the weights still sum to 1). Every term is
returned, so an answer shows why its trust is what it is.

security = 1 - max(attack score, toxicity score, PII penalty), where the PII
penalty is 0.2 per personal-data finding, at most 0.6: personal data in a prompt is
a risk to manage (redaction), not by itself an attack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

TRUST_WEIGHTS: Final = {
    "quality": 0.30,
    "security": 0.30,
    "compliance": 0.20,
    "drift": 0.10,
    "feedback": 0.10,
}
PII_PENALTY_EACH: Final = 0.2
PII_PENALTY_MAX: Final = 0.6


@dataclass(frozen=True, slots=True)
class TrustResult:
    score: float
    terms: dict[str, float]  # each term's value in [0, 1] ("drift" is 1 - drift score)
    weights: dict[str, float]  # the weights used (feedback's shared out when absent)


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def security_score(attack_score: float, toxicity_score: float, pii_count: int) -> float:
    pii_penalty = min(PII_PENALTY_MAX, PII_PENALTY_EACH * max(0, pii_count))
    return 1.0 - max(_clip01(attack_score), _clip01(toxicity_score), pii_penalty)


def compute_trust(
    quality: float, security: float, compliance: float, drift: float, feedback: float | None
) -> TrustResult:
    terms = {
        "quality": _clip01(quality),
        "security": _clip01(security),
        "compliance": _clip01(compliance),
        "drift": 1.0 - _clip01(drift),
    }
    if feedback is None:
        weights, rounded = _WEIGHTS_WITHOUT_FEEDBACK, _ROUNDED_WITHOUT_FEEDBACK
    else:
        weights, rounded = TRUST_WEIGHTS, _ROUNDED_WEIGHTS
        terms["feedback"] = _clip01(feedback)
    score = sum(weights[k] * terms[k] for k in terms)
    return TrustResult(
        score=round(score, 4),
        terms={k: round(v, 4) for k, v in terms.items()},
        weights=dict(rounded),
    )


def _without_feedback(weights: dict[str, float]) -> dict[str, float]:
    """Feedback's weight shared out over the other terms in proportion to theirs."""
    rest = dict(weights)
    missing = rest.pop("feedback")
    total = sum(rest.values())
    return {k: w + missing * w / total for k, w in rest.items()}


# The two weight sets are constants: computed once rather than for every request.
_WEIGHTS_WITHOUT_FEEDBACK: Final = _without_feedback(TRUST_WEIGHTS)
_ROUNDED_WITHOUT_FEEDBACK: Final = {k: round(w, 4) for k, w in _WEIGHTS_WITHOUT_FEEDBACK.items()}
_ROUNDED_WEIGHTS: Final = {k: round(w, 4) for k, w in TRUST_WEIGHTS.items()}
