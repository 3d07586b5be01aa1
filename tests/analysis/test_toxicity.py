from __future__ import annotations

import pytest

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("you are a stupid idiot", "insult"),
        ("You 1d10t", "insult"),
        ("f*ck you", "insult"),
        ("f@ck you", "insult"),
        ("you piece of sh!t", "insult"),
        ("espèce de connard", "insult"),
        ("c o n n a r d", "insult"),
        ("ferme ta gueule", "insult"),
        ("I will kill you", "threat"),
        ("i know where you live", "threat"),
        ("je vais te retrouver et te tuer", "threat"),
        ("tu vas le regretter", "threat"),
        ("all immigrants should be killed", "hate"),
        ("mort aux juifs", "hate"),
        ("send me your nudes", "sexual"),
        ("I want to kill myself", "self_harm"),
        ("j'ai envie de mourir", "self_harm"),
    ],
)
def test_toxic_texts(analyzer: Analyzer, text: str, category: str) -> None:
    result = analyzer.detect_toxicity(text)
    assert result.detected, result
    assert category in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "kill the process with SIGTERM",
        "The idiot-proof guide to sourdough",
        "suicide prevention hotlines save lives",
        "Le con de Saint-Malo est un plat ancien ? Non, c'est un canard.",
        "this bug is killing me",
        "Je vais te retrouver à la gare.",
        "Con leche, por favor.",
    ],
)
def test_benign_texts(analyzer: Analyzer, text: str) -> None:
    assert not analyzer.detect_toxicity(text).detected


def test_score_is_bounded_and_weak_words_are_reported_below_threshold(analyzer: Analyzer) -> None:
    result = analyzer.detect_toxicity("that was a stupid plan")
    assert not result.detected
    assert 0.0 < result.score < 0.5
    assert result.categories == ("insult",)
