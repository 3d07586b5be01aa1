"""The IBAN validator with cached country structures agrees with `stdnum.iban`."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from aimonitor.analysis.pii import iban


def _stdnum_verdict(compact: str) -> bool:
    if len(compact) < 15:
        return False
    try:
        stdnum_iban.validate(compact)
    except ValidationError:
        return False
    return True


def _structures() -> dict[str, str]:
    registry = Path(stdnum_iban.__file__).with_name("iban.dat").read_text()
    return dict(re.findall(r'^([A-Z]{2}) .*bban="([^"]*)"', registry, re.MULTILINE))


def _bban(structure: str, rng: random.Random) -> str:
    alphabets = {
        "n": string.digits,
        "a": string.ascii_uppercase,
        "c": string.digits + string.ascii_uppercase,
    }
    return "".join(
        rng.choice(alphabets[kind])
        for count, kind in re.findall(r"(\d+)!([nac])", structure)
        for _ in range(int(count))
    )


def test_agrees_with_stdnum_on_generated_numbers() -> None:
    rng = random.Random(6)
    structures = _structures()
    assert len(structures) > 50
    countries = [*structures, "XX", "QQ"]
    valid = 0
    for _ in range(4000):
        country = rng.choice(countries)
        body = _bban(structures.get(country, "12!n"), rng)
        if rng.random() < 0.1:
            body = body[:-1]  # wrong length
        compact = country + stdnum_iban.calc_check_digits(country + "00" + body) + body
        if rng.random() < 0.1:
            compact = compact[:2] + "00" + compact[4:]  # wrong check digits
        expected = _stdnum_verdict(compact)
        assert iban._valid(compact) is expected, compact
        valid += expected
    assert 1000 < valid < 4000
