from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer
from aimonitor.analysis.pii import credit_card
from aimonitor.analysis.pii.credit_card import issuer_of


@pytest.mark.parametrize(
    ("number", "issuer"),
    [
        ("4111111111111111", "visa"),
        ("4111 1111 1111 1111", "visa"),
        ("4111-1111-1111-1111", "visa"),
        ("4111.1111.1111.1111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("3782 822463 10005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("30569309025904", "diners"),
    ],
)
def test_valid_cards_are_found(analyzer: Analyzer, number: str, issuer: str) -> None:
    findings = [f for f in analyzer.scan_pii(f"card {number} ok") if f.type == "CREDIT_CARD"]
    assert [f.text for f in findings] == [number]
    assert f"issuer_range({issuer})" in findings[0].explanation


@pytest.mark.parametrize(
    "text",
    [
        "card 4111111111111112",  # Luhn fails
        "card 4111 1111 1111 1121",  # Luhn fails
        "card 1234567812345670",  # Luhn passes, no issuer uses prefix 1
        "card 4111-1111 1111-1111",  # mixed separators
        "pi 3.141592653589793",  # a decimal number, not a card
        "x = 4.111111111111111",  # Visa prefix and Luhn, but a decimal
        "ref 41111111111111110000",  # part of a longer number
        "card 0000 0000 0000 0000",
    ],
)
def test_checksum_failures_and_near_misses(analyzer: Analyzer, text: str) -> None:
    assert found(analyzer, text, "CREDIT_CARD") == []


def test_issuer_of_unknown_prefix() -> None:
    assert issuer_of("9999999999999995") is None


def test_issuer_lookup_by_prefix_agrees_with_the_ranges() -> None:
    # Every four-digit prefix at every card length, then short inputs, which the table
    # cannot decide: the lookup must answer exactly what the range loop answers.
    for prefix in range(10_000):
        for length in range(12, 20):
            digits = f"{prefix:04d}" + "7" * (length - 4)
            assert credit_card.issuer_of(digits) == credit_card._issuer_by_ranges(digits)
    assert credit_card.issuer_of("4") == credit_card._issuer_by_ranges("4") is None
