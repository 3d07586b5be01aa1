"""The digit-count gates of the numeric detectors never drop a match: on random
number-shaped texts, each pattern finds the same matches with and without its gate."""

from __future__ import annotations

import random
import re

import pytest

from aimonitor.analysis.pii import credit_card, fr_nir, fr_siren, ip, phone, us_ssn
from aimonitor.analysis.pii.base import ScanContext, digits_of

# The phone detector drops candidates with fewer than 8 digits itself: compare those kept.
KEPT = {"phone": lambda match: len(digits_of(match.group())) >= phone._MIN_DIGITS}

GATES = {
    "credit_card": (credit_card._PATTERN, credit_card._MIN_DIGITS, ""),
    "fr_nir": (fr_nir._PATTERN, fr_nir._MIN_DIGITS, ""),
    "fr_siren": (fr_siren._PATTERN, fr_siren._MIN_DIGITS, ""),
    "us_ssn": (us_ssn._PATTERN, us_ssn._MIN_DIGITS, ""),
    "phone": (phone._PATTERN, phone._MIN_DIGITS, ""),
    "ipv4": (ip._IPV4, 4, "."),
}


def _token(rng: random.Random) -> str:
    if rng.random() < 0.3:  # noise: any number-ish characters
        return "".join(rng.choice("0123456789 .-/()+\u00a0AB") for _ in range(rng.randint(1, 24)))
    separator = rng.choice([" ", ".", "-", "/", "", "\u00a0"])
    groups = [
        "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 5)))
        for _ in range(rng.randint(1, 6))
    ]
    return rng.choice(["", "", "+", "(", "+33 "]) + separator.join(groups)


def _texts(count: int) -> list[str]:
    rng = random.Random(11)
    return [
        "".join(
            _token(rng) + rng.choice([" ", " or ", ", tel ", "\n", " 2A ", "."])
            for _ in range(rng.randint(1, 6))
        )
        for _ in range(count)
    ]


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int]]:
    return [match.span() for match in matches]


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_keeps_every_match(name: str) -> None:
    pattern, min_digits, containing = GATES[name]
    found = 0
    for text in _texts(3000):
        kept = KEPT.get(name, bool)
        gated = list(filter(kept, ScanContext(text).finditer(pattern, min_digits, containing)))
        every = list(filter(kept, ScanContext(text).finditer(pattern)))
        assert _spans(gated) == _spans(every), text
        found += len(every)
    assert found > 20  # the random texts do hold matches


def test_a_gate_set_too_high_would_be_caught() -> None:
    pattern, min_digits, _ = GATES["us_ssn"]
    texts = _texts(3000)
    assert any(
        _spans(list(ScanContext(t).finditer(pattern, min_digits + 1)))
        != _spans(list(ScanContext(t).finditer(pattern)))
        for t in texts
    )
