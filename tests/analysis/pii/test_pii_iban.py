from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    "iban",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "FR7630006000011234567890189",
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "BE71 0961 2345 6769",
        "NL91 ABNA 0417 1643 00",
        "CH93 0076 2011 6238 5295 7",
        "IT60 X054 2811 1010 0000 0123 456",
        "ES91 2100 0418 4502 0005 1332",
    ],
)
def test_valid_ibans_are_found(analyzer: Analyzer, iban: str) -> None:
    assert found(analyzer, f"virement sur {iban} merci", "IBAN") == [iban]


def test_trailing_word_is_not_swallowed(analyzer: Analyzer) -> None:
    text = "IBAN FR76 3000 6000 0112 3456 7890 189 EUR"
    assert found(analyzer, text, "IBAN") == ["FR76 3000 6000 0112 3456 7890 189"]


@pytest.mark.parametrize(
    "text",
    [
        "IBAN FR77 3000 6000 0112 3456 7890 189",  # wrong check digits
        "IBAN FR76 3000 6000 0112 3456 7890 18",  # wrong length for France
        "IBAN DE89 3704 0044 0532 0130 01",
        "code AB12 CDEF GHIJ KLMN",  # shaped like an IBAN, no such country
    ],
)
def test_checksum_failures(analyzer: Analyzer, text: str) -> None:
    assert analyzer.scan_pii(text) == ()
