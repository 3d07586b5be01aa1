from __future__ import annotations

import random

import pytest
from pii_helpers import found
from stdnum.fr import nir as stdnum_nir

from aimonitor.analysis import Analyzer
from aimonitor.analysis.pii.fr_nir import nir_valid


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


def test_nir_valid_agrees_with_stdnum() -> None:
    rng = random.Random(5)
    valid = 0
    for _ in range(50_000):
        body = "".join(rng.choice("0123456789") for _ in range(13))
        if rng.random() < 0.3:
            body = body[:5] + rng.choice(["2A", "2B", "2C", "AB"]) + body[7:]
        number = body + f"{rng.randrange(100):02d}"
        if rng.random() < 0.5 and body.isdigit():  # half with the right key
            number = body + f"{97 - int(body) % 97:02d}"
        if rng.random() < 0.05:
            number = number.replace(rng.choice("0123456789"), "\u0663", 1)  # Arabic-Indic 3
        if rng.random() < 0.05:
            number = number[:-1]
        assert nir_valid(number) == stdnum_nir.is_valid(number), number
        valid += nir_valid(number)
    assert valid > 1000
    assert nir_valid("253072A07300443") and not nir_valid("253072C07300443")
