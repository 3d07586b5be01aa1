"""Phone numbers in international and national formats, validated by `phonenumbers`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import partial

import phonenumbers

from aimonitor.analysis.pii.base import (
    Candidate,
    ScanContext,
    digit_count,
    digits_of,
    follows_iban_prefix,
)
from aimonitor.analysis.pii.spoken_numbers import spoken_numbers

# Bounded repetition keeps this linear: at most 20 characters are tried per start.
# The lookbehind sits after the first character so that `re` can skip in C to positions
# holding a digit, "+" or "(" (a leading lookbehind disables that optimisation).
_PATTERN = re.compile(
    r"[+(\d](?<![\w+(\-.,/][+(\d])[\d \t\-.()\u00a0\u202f]{6,24}\d(?![\w]|[.,/\-]\d)"
)
# A candidate with fewer digits is dropped below, before any validation.
_MIN_DIGITS = 8

# Validating one candidate is costly (phonenumbers checks it per region);
# a text packed with digit groups could make that add up, so a text gets at most this many
# candidates. Far more than any real prompt holds phone numbers.
MAX_VALIDATIONS = 256

DEFAULT_REGIONS: tuple[str, ...] = ("FR", "BE", "CH", "GB", "DE", "ES", "IT", "US")
# 123-45-6789 is how US social security numbers are written, never phone numbers.
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
# Regions whose national numbers are always dialled with a leading trunk "0": a number
# written without it ("732 829 320", a SIREN) is not one of their phone numbers.
_TRUNK_ZERO = frozenset({"FR", "BE", "CH", "GB", "DE", "NL", "AT", "LU"})


class PhoneDetector:
    name: str = "phone"
    types: tuple[str, ...] = ("PHONE",)

    def __init__(self, regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(regions)
        # The national lengths each region's numbers can have, from the library's metadata:
        # a set lookup turns away most candidates before the library validates them.
        self._lengths = {region: _possible_lengths(region) for region in self.regions}

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        # Validation is left to the engine (`Candidate.confirm`): a number that its
        # context words drop ("référence 2024-118734") is never handed to the library.
        candidates = 0
        for number in spoken_numbers(ctx.text):
            count = digit_count(number.digits)
            if not 8 <= count <= 15:
                continue
            candidates += 1
            if candidates > MAX_VALIDATIONS:
                return
            confirm = partial(self._confirm, number.digits, count, "spoken")
            yield Candidate("PHONE", number.start, number.end, 0.6, "", confirm)
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS):
            raw = match.group()
            # Cheapest test first.
            digits = digit_count(raw)
            if not 8 <= digits <= 15:
                continue
            if raw.count("(") != raw.count(")") or ("-" in raw and _SSN_SHAPE.fullmatch(raw)):
                continue
            if follows_iban_prefix(ctx.text, match.start()):
                continue
            candidates += 1
            if candidates > MAX_VALIDATIONS:
                return
            separated = not raw.lstrip("+").isdigit()
            if raw.startswith(("+", "00")):
                score, form = 0.8, "international"
            elif separated:
                score, form = 0.7, "national_separated"
            elif raw.startswith("0"):
                score, form = 0.6, "national_compact"
            else:
                score, form = 0.4, "bare_digits"
            confirm = partial(self._confirm, raw, digits, form)
            yield Candidate("PHONE", match.start(), match.end(), score, "", confirm)

    def _confirm(self, raw: str, digits: int, form: str) -> str | None:
        region = self._region(raw, raw.startswith(("+", "00")), digits)
        if region is None:
            return None
        return f"pattern=phone_{form}; validator=phonenumbers({region})"

    def _region(self, raw: str, international: bool, digit_count: int) -> str | None:
        if international:
            number = _international(raw)
            if number is None:
                # Unusual writing (extensions, odd brackets): let the full parser decide.
                number = _parse(raw if raw.startswith("+") else "+" + raw[2:], None)
            if number is None:
                return None
            # `is_valid_number` is these two calls; asking for the region again after it
            # would repeat the search among the regions sharing a country code (+1, +44).
            region: str | None = phonenumbers.region_code_for_number(number)
            if region is None or not phonenumbers.is_valid_number_for_region(number, region):
                return None
            return region
        if digit_count < 9:
            return None  # eight national digits are more often dates or references
        leading_zero = raw.lstrip("(").startswith("0")
        digits = digits_of(raw)
        for region in self.regions:
            if (region in _TRUNK_ZERO) != leading_zero and region != "IT":
                continue
            number = _national(digits, region, self._lengths[region])
            if number is not None and phonenumbers.is_valid_number_for_region(number, region):
                return region
        return None


def _possible_lengths(region: str) -> frozenset[int]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        raise ValueError(f"no phone metadata for region {region!r}")
    return frozenset(metadata.general_desc.possible_length or ())


# `phonenumbers.parse` normalises the text character by character (most of a scan's
# time on texts with several numbers); the candidates here are already digits
# and separators, so the number is built from its digits and the library validates it
# against the region's metadata. Not cached: a cache would keep callers' phone numbers in
# memory across requests.
def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _national(digits: str, region: str, lengths: frozenset[int]) -> phonenumbers.PhoneNumber | None:
    """The number dialled nationally as `digits` in `region`, as `parse` would build it:
    the trunk "0" (or the US "1") dropped, Italy's leading zero kept; None when no number
    of the region has its length."""
    code = phonenumbers.country_code_for_region(region)
    leading_zero = False
    if region in _TRUNK_ZERO:
        if not digits.startswith("0"):
            return None
        digits = digits[1:]
    elif region == "IT":
        leading_zero = digits.startswith("0")
    elif region == "US" and len(digits) == 11:
        if not digits.startswith("1"):
            return None
        digits = digits[1:]
    if len(digits) not in lengths or (digits.startswith("0") and not leading_zero):
        return None
    return _number(code, digits, leading_zero)


def _international(raw: str) -> phonenumbers.PhoneNumber | None:
    """+CC then the national number; the country codes are prefix-free, so the first
    known prefix is the country code. "(0)" is the trunk prefix some people write."""
    digits = digits_of(raw.replace("(0)", "", 1))
    if raw.startswith("00"):
        digits = digits[2:]
    if digits.startswith("0"):
        return None  # no country code starts with 0
    for size in (1, 2, 3):
        code = int(digits[:size] or 0)
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            leading_zero = national.startswith("0")
            if not national or (leading_zero and code != 39):
                return None  # a trunk 0 after the country code: not a dialable number
            return _number(code, national, leading_zero)
    return None


def _number(code: int, national: str, italian_leading_zero: bool) -> phonenumbers.PhoneNumber:
    return phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=italian_leading_zero or None,
    )
