from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    "number",
    [
        "+33 1 42 68 53 00",
        "01 42 68 53 00",
        "01.42.68.53.00",
        "+33 (0)1 42 68 53 00",
        "0033 1 42 68 53 00",
        "+44 20 7946 0958",
        "020 7946 0958",
        "+1 212-736-5000",
        "(212) 736-5000",
        "+49 30 901820",
        "+32 2 551 18 80",
        "+41 44 668 18 00",
        "+34 912 345 678",
        "+39 06 6982 1234",
    ],
)
def test_valid_phone_numbers_are_found(analyzer: Analyzer, number: str) -> None:
    assert found(analyzer, f"Appelez le {number} demain", "PHONE") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous le 15/03/2024 à 14:30",
        "le 2024-03-15",
        "Total 1 299,00 €",
        "version 10.0.19045",
        "+33 1 42 68 53",  # too short
        "01 00 00 00 00 00 00",  # too long for France
        "SSN 123-45-6789",  # SSN shape is never a phone
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "SIREN 732 829 320",  # FR numbers need their trunk 0
    ],
)
def test_near_misses_are_not_phones(analyzer: Analyzer, text: str) -> None:
    assert found(analyzer, text, "PHONE") == []


def test_bare_digits_need_context(analyzer: Analyzer) -> None:
    assert found(analyzer, "ref 2127365000", "PHONE") == []
    assert found(analyzer, "call me 2127365000", "PHONE") == ["2127365000"]


def test_explanation_names_the_region(analyzer: Analyzer) -> None:
    (finding,) = analyzer.scan_pii("tel +41 44 668 18 00")
    assert "validator=phonenumbers(CH)" in finding.explanation
