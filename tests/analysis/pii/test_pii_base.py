"""Helpers shared by the numeric detectors."""

from __future__ import annotations

import pytest

from aimonitor.analysis.pii.base import digit_count, digits_of


@pytest.mark.parametrize(
    "text", ["", "06 12 34 56 78", "+33 (0)1 42", "abc", "1\u00a02", "\u0663\u0664 12", "x9y"]
)
def test_digit_count_counts_what_digits_of_keeps(text: str) -> None:
    assert digit_count(text) == len(digits_of(text))
