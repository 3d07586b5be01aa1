"""One verdict from the two tiers of the prompt-attack detector.

The score is the larger of the rules' score and the learned tier's calibrated score (both
0.5 at their own decision point), so the one threshold of the `injection_protection`
guardrail applies to both; `tier` names the tier that gave it. When the heavy tier is on
and consulted, its calibrated score replaces theirs if higher (`escalate`). The explanation
says which tier decided and why: the rules that matched, or the learned tier's probability,
its strongest features and the nearest known attack family.
"""

from __future__ import annotations

from dataclasses import replace

from aimonitor.analysis.attacks.learned import LearnedScore
from aimonitor.types import AttackResult


def combine(rules: AttackResult, learned: LearnedScore | None, threshold: float) -> AttackResult:
    if learned is None:
        return replace(rules, explanation=_rules_explanation(rules))
    if learned.score <= rules.score:
        return replace(
            rules,
            learned_score=learned.probability,
            explanation=_rules_explanation(rules),
        )
    families = rules.families
    if not families and learned.family is not None and learned.score >= threshold:
        families = (learned.family,)  # the rules name a family more precisely when they match
    return replace(
        rules,
        score=learned.score,
        detected=learned.score >= threshold,
        families=families,
        tier="learned",
        learned_score=learned.probability,
        explanation=_learned_explanation(learned, named_family=not rules.families),
    )


def escalate(
    result: AttackResult, probability: float, score: float, threshold: float
) -> AttackResult:
    """The verdict after the heavy tier was consulted on an unsure prompt: its score
    replaces the others' when higher."""
    if score <= result.score:
        return replace(
            result, explanation=f"{result.explanation}; heavy tier {score:.2f}, not higher"
        )
    return replace(
        result,
        score=score,
        detected=score >= threshold,
        tier="heavy",
        explanation=f"heavy tier {score:.2f} (probability {probability:.3f}) on an unsure "
        f"prompt; before it: {result.explanation}",
    )


def _rules_explanation(rules: AttackResult) -> str:
    if not rules.rules:
        return "no attack rule matched"
    return f"rules {rules.score:.2f}: {', '.join(rules.rules)}"


def _learned_explanation(learned: LearnedScore, named_family: bool) -> str:
    text = f"learned tier {learned.score:.2f} (probability {learned.probability:.3f})"
    if named_family and learned.family is not None:
        text += f", nearest family {learned.family}"
    if learned.features:
        text += ", strongest features " + ", ".join(repr(f) for f in learned.features)
    return text
