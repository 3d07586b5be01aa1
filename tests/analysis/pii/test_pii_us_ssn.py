from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer
from aimonitor.analysis.pii.us_ssn import ssa_valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SSN 123-45-6789", ["123-45-6789"]),
        ("id 123-45-6789 on file", ["123-45-6789"]),  # dashed shape alone is enough
        ("social security number 123 45 6789", ["123 45 6789"]),
        ("SSN: 123456789", ["123456789"]),  # bare digits with context
        ("ref 123456789", []),  # bare digits without context
        ("SSN 000-45-6789", []),
        ("SSN 666-45-6789", []),
        ("SSN 912-45-6789", []),
        ("SSN 123-00-6789", []),
        ("SSN 123-45-0000", []),
        ("SSN 123-45 6789", []),  # mixed separators
    ],
)
def test_ssn_table(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "US_SSN") == expected


@pytest.mark.parametrize(
    ("area", "group", "serial", "valid"),
    [("001", "01", "0001", True), ("899", "99", "9999", True), ("666", "01", "0001", False)],
)
def test_ssa_rules(area: str, group: str, serial: str, valid: bool) -> None:
    assert ssa_valid(area, group, serial) is valid
