"""The precompiled national numbering plans agree with `phonenumbers` itself."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from aimonitor.analysis.pii import phone


def _library_verdict(digits: str, region: str) -> bool:
    """What `_valid_in` answered before the plans: the library's own validation."""
    if region in phone._TRUNK_ZERO:
        if not digits.startswith("0"):
            return False
        national, leading_zero = digits[1:], False
    elif region == "IT":
        national, leading_zero = digits, digits.startswith("0")
    elif region == "US" and len(digits) == 11:
        if not digits.startswith("1"):
            return False
        national, leading_zero = digits[1:], False
    else:
        national, leading_zero = digits, False
    if not national or (national.startswith("0") and not leading_zero):
        return False
    number = phonenumbers.PhoneNumber(
        country_code=phonenumbers.country_code_for_region(region),
        national_number=int(national),
        italian_leading_zero=leading_zero or None,
    )
    return bool(phonenumbers.is_valid_number_for_region(number, region))


@pytest.mark.parametrize("region", [*phone.DEFAULT_REGIONS, "NL", "AT"])
def test_plan_agrees_with_phonenumbers_on_random_numbers(region: str) -> None:
    rng = random.Random(region)
    valid = 0
    for _ in range(4000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 14)))
        roll = rng.random()
        if roll < 0.5:
            digits = "0" + digits[1:]
        if roll < 0.15:
            digits = "00" + digits[2:]
        if region == "US" and rng.random() < 0.3:
            digits = "1" + digits[1:]
        expected = _library_verdict(digits, region)
        assert phone._valid_in(digits, region) is expected, digits
        valid += expected
    assert valid > 0  # the sample reaches valid numbers, not only rejections


def test_known_numbers() -> None:
    assert phone._valid_in("0612345678", "FR")
    assert phone._valid_in("0840191614", "FR")  # shared cost
    assert not phone._valid_in("0012345678", "FR")
    assert phone._valid_in("02 1234 5678", "IT")


def test_international_validation_agrees_with_phonenumbers() -> None:
    rng = random.Random(7)
    codes = [*phonenumbers.COUNTRY_CODE_TO_REGION_CODE, *([33, 49, 41, 32, 34, 39, 44, 1, 7] * 20)]
    valid = 0
    for _ in range(6000):
        code = rng.choice(codes)
        national = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
        leading_zero = code == 39 and rng.random() < 0.5
        number = phonenumbers.PhoneNumber(
            country_code=code,
            national_number=int(national.lstrip("0") or "1"),
            italian_leading_zero=leading_zero or None,
        )
        expected = bool(phonenumbers.is_valid_number(number))
        assert phone._valid_international(number) is expected, (code, national)
        valid += expected
    assert valid > 0
