from __future__ import annotations

import pytest

from aimonitor.backends.text import detect_language, keywords


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Explique le monitoring IA", "fr"),
        ("Quelle est la capitale de la France ?", "fr"),
        ("Comment détecter une dérive ?", "fr"),
        ("What is the capital of France?", "en"),
        ("How do I monitor an AI model in production?", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_keywords_skip_stopwords_and_keep_acronyms() -> None:
    assert keywords("Explique le monitoring IA") == ["monitoring", "IA"]


def test_keywords_rank_by_frequency_then_order() -> None:
    text = "latency alerts, latency budgets and latency dashboards for alerts"
    assert keywords(text) == ["latency", "alerts", "budgets"]


def test_keywords_split_french_elisions() -> None:
    assert keywords("l'intelligence d'entreprise") == ["intelligence", "entreprise"]
