"""Phone numbers in international and national formats, validated by `phonenumbers`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata, PhoneNumberDesc

from aimonitor.analysis.pii.base import (
    Candidate,
    ScanContext,
    digit_count,
    digits_of,
    follows_iban_prefix,
)

# Bounded repetition keeps this linear: at most 20 characters are tried per start.
# The lookbehind sits after the first character so that `re` can skip in C to positions
# holding a digit, "+" or "(" (a leading lookbehind disables that optimisation).
_PATTERN = re.compile(r"[+(\d](?<![\w+(\-.,/][+(\d])[\d \-.()\u00a0]{6,20}\d(?![\w]|[.,/\-]\d)")
# A candidate with fewer digits is dropped below, before any validation.
_MIN_DIGITS = 8

# Validating one candidate costs tens of microseconds (phonenumbers parses it per region);
# a text packed with digit groups could make that add up, so a text gets at most this many
# validations. Far more than any real prompt holds phone numbers.
MAX_VALIDATIONS = 256

DEFAULT_REGIONS: tuple[str, ...] = ("FR", "BE", "CH", "GB", "DE", "ES", "IT", "US")
# Regions whose national numbers are always dialled with a leading trunk "0": a number
# written without it ("732 829 320", a SIREN) is not one of their phone numbers.
# 123-45-6789 is how US social security numbers are written, never phone numbers.
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_TRUNK_ZERO = frozenset({"FR", "BE", "CH", "GB", "DE", "NL", "AT", "LU"})


class PhoneDetector:
    name: str = "phone"
    types: tuple[str, ...] = ("PHONE",)

    def __init__(self, regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(regions)
        for region in self.regions:
            if region in _NATIONAL_LENGTHS or region in _TRUNK_ZERO:
                _plan(region)  # compile now rather than during the first request

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        validations = 0
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS):
            raw = match.group()
            # Cheapest test first; none of these filters counts as a validation.
            digits = digit_count(raw)
            if not 8 <= digits <= 15:
                continue
            if raw.count("(") != raw.count(")") or ("-" in raw and _SSN_SHAPE.fullmatch(raw)):
                continue
            if follows_iban_prefix(ctx.text, match.start()):
                continue
            validations += 1
            if validations > MAX_VALIDATIONS:
                return
            international = raw.startswith(("+", "00"))
            region = self._region(raw, international, digits)
            if region is None:
                continue
            separated = not raw.lstrip("+").isdigit()
            if international:
                score, form = 0.8, "international"
            elif separated:
                score, form = 0.7, "national_separated"
            elif raw.startswith("0"):
                score, form = 0.6, "national_compact"
            else:
                score, form = 0.4, "bare_digits"
            yield Candidate(
                "PHONE",
                match.start(),
                match.end(),
                score,
                f"pattern=phone_{form}; validator=phonenumbers({region})",
            )

    def _region(self, raw: str, international: bool, digit_count: int) -> str | None:
        if international:
            parts = _international(raw)
            if parts is not None and _valid_international_parts(*parts):
                code = parts[0]
            else:
                # Unusual writing (extensions, odd brackets): let the full parser decide.
                number = _parse(raw if raw.startswith("+") else "+" + raw[2:], None)
                if number is None or not phonenumbers.is_valid_number(number):
                    return None
                code = number.country_code or 0
            # The country code's main region: a dict lookup, where region_code_for_number
            # would validate the number again for every region sharing the code.
            # Declared, for mypyc builds where phonenumbers' stubs are absent (Any).
            region: str | None = phonenumbers.region_code_for_country_code(code)
            return region
        if digit_count < 9:
            return None  # eight national digits are more often dates or references
        leading_zero = raw.lstrip("(").startswith("0")
        for region in self.regions:
            if (region in _TRUNK_ZERO) != leading_zero and region != "IT":
                continue
            low, high = _NATIONAL_LENGTHS.get(region, (6, 15))
            if low <= digit_count <= high and _valid_in(raw, region):
                return region
        return None


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


# National significant lengths (digits as written, trunk "0" included where there is one):
# a cheap test before asking `phonenumbers`, which costs tens of microseconds a call.
_NATIONAL_LENGTHS: dict[str, tuple[int, int]] = {
    "FR": (10, 10),
    "BE": (9, 10),
    "CH": (10, 10),
    "GB": (10, 11),
    "DE": (6, 13),
    "ES": (9, 9),
    "IT": (6, 11),
    "US": (10, 11),
}


# `phonenumbers.parse` costs ~35 µs; building the number from its digits and asking
# `is_valid_number_for_region` costs ~8 µs and applies the same numbering-plan metadata.
# Not cached: a cache would keep callers' phone numbers in memory across requests.
def _valid_in(raw: str, region: str) -> bool:
    digits = digits_of(raw)
    if region in _TRUNK_ZERO:
        if not digits.startswith("0"):
            return False
        national, leading_zero = digits[1:], False
    elif region == "IT":
        national, leading_zero = digits, digits.startswith("0")
    elif region == "US" and len(digits) == 11:
        if not digits.startswith("1"):
            return False
        national, leading_zero = digits[1:], False
    elif region in _NATIONAL_LENGTHS:
        national, leading_zero = digits, False
    else:
        number = _parse(raw, region)
        return number is not None and phonenumbers.is_valid_number(number)
    if not national or (national.startswith("0") and not leading_zero):
        return False
    # The national significant number `phonenumbers` would build: one Italian leading
    # zero kept, any further ones dropped by int().
    significant = "0" + str(int(national)) if leading_zero else national
    return _plan(region).valid(significant)


class _NationalPlan:
    """`phonenumbers.is_valid_number_for_region` for one region, precompiled.

    The library answers by matching the number against the region's general pattern, then
    against each number type's pattern in turn (fixed line, mobile, toll free...), looking
    each pattern up in its regex cache: ≈ 8 µs. A number is valid when the general pattern
    and one type pattern (with that type's possible lengths) match; here the type patterns
    that allow a given length are joined into one alternation, so validity costs two
    `fullmatch` calls. Tested identical to the library on random numbers in
    tests/analysis/pii/test_pii_phone_plan.py."""

    def __init__(self, region: str) -> None:
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is None:
            raise ValueError(f"no phone metadata for region {region!r}")
        types = [
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
            metadata.fixed_line,
        ]
        if not metadata.same_mobile_and_fixed_line_pattern:
            types.append(metadata.mobile)
        self.leading_digits = (
            re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        )
        self._general = _desc(metadata.general_desc)
        described = [d for d in map(_desc, types) if d is not None]
        self._by_length: dict[int, re.Pattern[str] | None] = {}
        for length in range(1, 18):
            patterns = [
                pattern.pattern
                for lengths, pattern in described
                if not lengths or length in lengths
            ]
            self._by_length[length] = (
                re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
            )

    def valid(self, significant: str) -> bool:
        general = self._general
        if general is None:
            return False
        lengths, pattern = general
        if (lengths and len(significant) not in lengths) or not pattern.fullmatch(significant):
            return False
        by_type = self._by_length.get(len(significant))
        return by_type is not None and by_type.fullmatch(significant) is not None


def _desc(desc: PhoneNumberDesc | None) -> tuple[frozenset[int], re.Pattern[str]] | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)


_PLANS: dict[str, _NationalPlan] = {}


def _plan(region: str) -> _NationalPlan:
    # Keyed by region code only: no caller data is kept.
    plan = _PLANS.get(region)
    if plan is None:
        plan = _PLANS[region] = _NationalPlan(region)
    return plan


def _valid_international(number: phonenumbers.PhoneNumber) -> bool:
    """`phonenumbers.is_valid_number`; through the precompiled plan when the country code
    belongs to one region (+33, +49...), where the library would validate the same way."""
    return _valid_international_parts(
        number.country_code or 0, number.national_number or 0, bool(number.italian_leading_zero)
    )


def _valid_international_parts(code: int, national: int, italian_leading_zero: bool) -> bool:
    """`_valid_international` on the number's parts: a `PhoneNumber` object costs ≈ 5 µs
    to build here, so one is built only when the library itself has to decide."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if not regions or phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY in regions:
        number = phonenumbers.PhoneNumber(
            country_code=code,
            national_number=national,
            italian_leading_zero=italian_leading_zero or None,
        )
        return bool(phonenumbers.is_valid_number(number))
    significant = ("0" if italian_leading_zero else "") + str(national)
    if len(regions) == 1:
        return _plan(regions[0]).valid(significant)
    # Shared codes (+44: GB, GG, IM, JE): the library picks the first region whose leading
    # digits match, or, for a region without them, where the number is valid; then
    # validates for that region.
    for region in regions:
        plan = _plan(region)
        if plan.leading_digits is not None:
            if plan.leading_digits.match(significant):
                return plan.valid(significant)
        elif plan.valid(significant):
            return True
    return False


def _international(raw: str) -> tuple[int, int, bool] | None:
    """(country code, national number, Italian leading zero) of +CC then the national
    number; the country codes are prefix-free, so the first known prefix is the country
    code. "(0)" is the trunk prefix some people write."""
    body = raw.replace("(0)", "", 1)
    digits = digits_of(body)
    if raw.startswith("00"):
        digits = digits[2:]
    if digits.startswith("0"):
        return None  # no country code starts with 0
    for size in (1, 2, 3):
        code = int(digits[:size] or 0)
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if not national:
                return None
            leading_zero = national.startswith("0")
            if leading_zero and code != 39:
                return None  # a trunk 0 after the country code: not a dialable number
            return code, int(national), leading_zero
    return None
