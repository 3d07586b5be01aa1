"""The load client's built-in attack and toxic prompts are what operators see in demos:
each must be caught by the detector it is meant for, and its benign look-alikes not."""

from __future__ import annotations

import pytest

from aimonitor.analysis import Analyzer
from aimonitor.loadgen.prompts import builtin_prompts

PROMPTS = builtin_prompts()


@pytest.mark.parametrize("sample", PROMPTS["attack"], ids=lambda s: s.text[:40])
def test_builtin_attacks_are_detected(analyzer: Analyzer, sample: object) -> None:
    assert analyzer.detect_attack(sample.text).detected  # type: ignore[attr-defined]


@pytest.mark.parametrize("sample", PROMPTS["toxic"], ids=lambda s: s.text[:40])
def test_builtin_toxic_prompts_are_detected(analyzer: Analyzer, sample: object) -> None:
    assert analyzer.detect_toxicity(sample.text).detected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "Shut up and take my money!",
        "Tais-toi mon coeur, je plaisante.",
        "Pretend you are my grandmother telling me a bedtime story about her garden.",
        "Dan is my colleague, you are now talking to Dan about the budget.",
    ],
)
def test_look_alikes_stay_benign(analyzer: Analyzer, text: str) -> None:
    assert not analyzer.detect_attack(text).detected
    assert not analyzer.detect_toxicity(text).detected
