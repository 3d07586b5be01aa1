from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import phonenumbers
import pytest
from stdnum import iban, luhn
from stdnum.fr import nir
from stdnum.us import ssn

from aimonitor.loadgen.prompts import (
    CATEGORY_WEIGHTS,
    PII_SAMPLES,
    PromptFileError,
    PromptPicker,
    PromptSample,
    builtin_prompts,
    load_prompt_file,
)


def _valid_phone(value: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(value, "FR"))


def _valid_email(value: str) -> bool:
    local, _, domain = value.partition("@")
    return bool(local) and domain.startswith("example.")  # reserved domains only


def _valid_ip(value: str) -> bool:
    return ipaddress.ip_address(value) in ipaddress.ip_network("203.0.113.0/24")  # TEST-NET-3


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "EMAIL": _valid_email,
    "PHONE": _valid_phone,
    "CREDIT_CARD": lambda value: luhn.is_valid(value.replace(" ", "")),
    "IBAN": iban.is_valid,
    "US_SSN": ssn.is_valid,
    "FR_NIR": lambda value: nir.is_valid(value.replace(" ", "")),
    "IP_ADDRESS": _valid_ip,
}


@pytest.mark.parametrize(
    ("pii_type", "value"),
    [(pii_type, value) for pii_type, values in PII_SAMPLES.items() for value in values],
)
def test_fake_personal_data_passes_the_real_checksums(pii_type: str, value: str) -> None:
    assert VALIDATORS[pii_type](value)


def test_every_pii_sample_appears_in_some_prompt() -> None:
    texts = [sample.text for sample in builtin_prompts()["pii"]]
    for values in PII_SAMPLES.values():
        for value in values:
            assert any(value in text for text in texts), value


@pytest.mark.parametrize("category", list(CATEGORY_WEIGHTS))
def test_each_category_exists_in_english_and_french(category: str) -> None:
    languages = {sample.language for sample in builtin_prompts()[category]}
    assert languages == {"en", "fr"}


def test_category_weights_sum_to_one() -> None:
    assert sum(CATEGORY_WEIGHTS.values()) == pytest.approx(1.0)


def test_picker_follows_the_weights_and_is_deterministic() -> None:
    picker = PromptPicker(seed=1)
    picks = [picker.pick(index) for index in range(4000)]
    shares = Counter(sample.category for sample in picks)
    for category, weight in CATEGORY_WEIGHTS.items():
        assert shares[category] / 4000 == pytest.approx(weight, abs=0.03)
    assert [PromptPicker(seed=1).pick(i) for i in range(50)] == picks[:50]
    assert [PromptPicker(seed=2).pick(i) for i in range(50)] != picks[:50]


def test_picker_cycles_custom_prompts() -> None:
    custom = [PromptSample("one", "custom", "unknown"), PromptSample("two", "custom", "unknown")]
    picker = PromptPicker(custom=custom)
    assert [picker.pick(i).text for i in range(5)] == ["one", "two", "one", "two", "one"]


def test_prompt_file_mixes_jsonl_and_plain_lines(tmp_path: Path) -> None:
    path = tmp_path / "prompts.txt"
    path.write_text(
        '{"prompt": "Bonjour", "category": "benign"}\n\n  plain line  \n{"prompt": "x"}\n',
        encoding="utf-8",
    )
    samples = load_prompt_file(path)
    assert [(s.text, s.category) for s in samples] == [
        ("Bonjour", "benign"),
        ("plain line", "custom"),
        ("x", "custom"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no prompts"),
        ("\n  \n", "no prompts"),
        ('{"txt": "wrong key"}\n', ":1: expected"),
        ('{"text": 3}\n', ":1: expected"),
        ('ok\n{"prompt": ""}\n', ":2: expected"),
        ("{broken\n", ":1: invalid JSON"),
    ],
)
def test_prompt_file_errors_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PromptFileError, match=message):
        load_prompt_file(path)


def test_prompt_file_reads_the_scan_commands_text_field(tmp_path: Path) -> None:
    path = tmp_path / "scanned.jsonl"
    path.write_text('{"text": "Bonjour"}\n{"prompt": "Salut", "category": "benign"}\n')
    samples = load_prompt_file(path)
    assert [(s.text, s.category) for s in samples] == [("Bonjour", "custom"), ("Salut", "benign")]


def test_missing_prompt_file_is_a_prompt_file_error(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError, match="cannot read"):
        load_prompt_file(tmp_path / "missing.jsonl")
