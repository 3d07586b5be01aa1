"""The gates of the numeric detectors (digit counts, required strings, shapes) never drop
a match: on random number-shaped texts, each pattern finds the same matches with and
without its gate, and the same as over the whole text."""

from __future__ import annotations

import random
import re

import pytest

from aimonitor.analysis.pii import credit_card, fr_nir, fr_siren, ip, phone, us_ssn
from aimonitor.analysis.pii.base import ScanContext, digits_of, shape_of

# The phone detector drops candidates with fewer than 8 digits itself: compare those kept.
KEPT = {"phone": lambda match: len(digits_of(match.group())) >= phone._MIN_DIGITS}

GATES: dict[str, tuple[re.Pattern[str], int, str, tuple[bytes, ...]]] = {
    "credit_card": (credit_card._PATTERN, credit_card._MIN_DIGITS, "", ()),
    "fr_nir": (fr_nir._PATTERN, fr_nir._MIN_DIGITS, "", fr_nir._SHAPES),
    "fr_siren": (fr_siren._PATTERN, fr_siren._MIN_DIGITS, "", fr_siren._SHAPES),
    "us_ssn": (us_ssn._PATTERN, us_ssn._MIN_DIGITS, "", us_ssn._SHAPES),
    "phone": (phone._PATTERN, phone._MIN_DIGITS, "", ()),
    "ipv4": (ip._IPV4, 4, ".", ip._IPV4_SHAPES),
}


# Identifier layouts, so that every shape of every gate is met in the random texts.
TEMPLATES = (
    "ddd-dd-dddd",
    "ddd dd dddd",
    "ddddddddd",
    "ddd ddd ddd",
    "dddddd ddd",
    "ddd dddddd",
    "ddd ddd ddd ddddd",
    "d dd dd dd ddd ddd dd",
    "d dd dd 2A ddd ddd dd",
    "ddddddd ddd dd",
    "ddddd dd ddd ddddd",
    "dddddddddd dd ddd",
    "d dd dd dd dddddd dd",
    "ddd.dd.d.ddd",
)


def _token(rng: random.Random) -> str:
    if rng.random() < 0.25:
        template = rng.choice(TEMPLATES)
        return "".join(rng.choice("0123456789") if c == "d" else c for c in template)
    if rng.random() < 0.3:  # noise: any number-ish characters, Unicode digits among them
        return "".join(
            rng.choice("0123456789 .-/()+\u00a0AB\u0663\u00b2") for _ in range(rng.randint(1, 24))
        )
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
    pattern, min_digits, containing, shapes = GATES[name]
    found = 0
    kept = KEPT.get(name, bool)
    for text in _texts(3000):
        gated = ScanContext(text).finditer(pattern, min_digits, containing, shapes)
        every = list(filter(kept, pattern.finditer(text)))
        assert _spans(list(filter(kept, gated))) == _spans(every), text
        found += len(every)
    assert found > 20  # the random texts do hold matches


def test_a_gate_set_too_high_would_be_caught() -> None:
    pattern, min_digits, _, _ = GATES["us_ssn"]
    texts = _texts(3000)
    assert any(
        _spans(list(ScanContext(t).finditer(pattern, min_digits + 1)))
        != _spans(list(ScanContext(t).finditer(pattern)))
        for t in texts
    )


@pytest.mark.parametrize("name", ["us_ssn", "fr_siren", "fr_nir"])
def test_each_shape_of_a_gate_is_needed(name: str) -> None:
    # Without any one of its shapes, a gate would drop matches: the shapes are all needed,
    # and the random texts are varied enough to show a gate that is too narrow.
    pattern, min_digits, _, shapes = GATES[name]
    texts = _texts(3000)
    for left_out in shapes:
        narrower = tuple(shape for shape in shapes if shape != left_out)
        assert any(
            _spans(list(ScanContext(t).finditer(pattern, min_digits, "", narrower)))
            != _spans(list(pattern.finditer(t)))
            for t in texts
        ), left_out


def test_shape_of() -> None:
    assert shape_of("123-45-6789 d") == "ddd-dd-dddd x"
    assert shape_of("1.2\u00b2") == "d.dx"  # a superscript two is not a \\d digit
