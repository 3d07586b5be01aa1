from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    "nir",
    [
        "185057800608491",
        "1 85 05 78 006 084 91",
        "185052A00608435",  # Corsica, 2A
        "1 85 05 2A 006 084 35",
    ],
)
def test_valid_nir_is_found(analyzer: Analyzer, nir: str) -> None:
    findings = [f for f in analyzer.scan_pii(f"numéro de sécu : {nir}.") if f.type == "FR_NIR"]
    assert [f.text for f in findings] == [nir]
    assert "validator=nir_key_mod97" in findings[0].explanation


@pytest.mark.parametrize(
    "text",
    [
        "numéro de sécu : 185057800608492",  # wrong key
        "numéro de sécu : 1 85 05 78 006 084 19",
        "numéro de sécu : 185052A00608436",
        "numéro de sécu : 385057800608491",  # 3 is not a sex digit
        "numéro de sécu : 185137800608491",  # month 13
    ],
)
def test_nir_checksum_failures(analyzer: Analyzer, text: str) -> None:
    assert found(analyzer, text, "FR_NIR") == []
