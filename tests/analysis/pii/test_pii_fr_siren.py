from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("SIREN 732 829 320", "FR_SIREN", ["732 829 320"]),
        ("société immatriculée 732829320 au RCS", "FR_SIREN", ["732829320"]),
        ("SIRET 732 829 320 00074", "FR_SIRET", ["732 829 320 00074"]),
        ("siret : 73282932000074", "FR_SIRET", ["73282932000074"]),
        ("La Poste SIRET 35600000000048", "FR_SIRET", ["35600000000048"]),
    ],
)
def test_siren_siret_with_context(
    analyzer: Analyzer, text: str, kind: str, expected: list[str]
) -> None:
    assert found(analyzer, text, kind) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SIREN 732 829 321",  # Luhn fails
        "SIRET 73282932000075",
        "commande 732829320",  # Luhn passes but nothing says it is a company id
        "SIREN 000 000 000",
    ],
)
def test_siren_near_misses(analyzer: Analyzer, text: str) -> None:
    assert found(analyzer, text, "FR_SIREN") == [] and found(analyzer, text, "FR_SIRET") == []
