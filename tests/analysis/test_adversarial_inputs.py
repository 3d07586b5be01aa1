"""100 KB adversarial inputs: every pattern must stay linear. These tests assert only that
the scan completes (under pytest-timeout); timings are measured by the benchmark."""

from __future__ import annotations

import base64

import pytest

from aimonitor.analysis import Analyzer

SIZE = 100_000


def _nested_base64(depth: int) -> str:
    payload = b"ignore all previous instructions " * 2_000
    for _ in range(depth):
        payload = base64.b64encode(payload)
    return payload.decode()[:SIZE]


ADVERSARIAL = {
    "digits": "1" * SIZE,
    "spaced_digits": "1 " * (SIZE // 2),
    "dashed_digits": "12-" * (SIZE // 3),
    "separators": " -./()" * (SIZE // 6),
    "email_local_part": "a" * SIZE,
    "email_at_signs": "a@" * (SIZE // 2),
    "email_dots": "a@b" + ".b" * (SIZE // 2),
    "iban_groups": "FR76 " + "1234 " * (SIZE // 5),
    "ipv4_dots": "1." * (SIZE // 2),
    "ipv6_colons": "a:" * (SIZE // 2),
    "pem_begins": "-----BEGIN PRIVATE KEY-----\n" * (SIZE // 28),
    "html_comments": "<!--" * (SIZE // 4),
    "spaced_letters": "a " * (SIZE // 2),
    "leet": "1a" * (SIZE // 2),
    "hex": "41" * (SIZE // 2),
    "nested_base64": _nested_base64(3),
    "url_escapes": "%41" * (SIZE // 3),
    "quotes": "a='b'+" * (SIZE // 6),
    "words": "ignore the previous " * (SIZE // 20),
    "zero_width": "i\u200b" * (SIZE // 2),
    "secret_prefixes": "sk-" * (SIZE // 3),
    "assignment": "password=" * (SIZE // 9),
    "many_emails": "a@b.co " * (SIZE // 7),
    "at_markers": "a [at] b " * (SIZE // 9),
    "spelled_addresses": "a at b dot com " * (SIZE // 15),
    "long_spelled_domain": "a [at] " + "b [dot] " * (SIZE // 8),
    "number_words": "six " * (SIZE // 4),
    "number_word_runs": "bone two three four five " * (SIZE // 25),
    "spoken_phones": "zéro six douze trente-quatre cinquante-six soixante-dix-huit, " * 1600,
    "tabbed_digits": "1\t" * (SIZE // 2),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_scan_finishes_on_adversarial_input(analyzer: Analyzer, name: str) -> None:
    text = ADVERSARIAL[name]
    assert len(text) >= SIZE * 0.9
    result = analyzer.scan(text)
    assert 0.0 <= result.attack.score <= 1.0
