from __future__ import annotations

import threading

import pytest

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.types import Finding


def _redact(analyzer: Analyzer, redactor: Redactor, text: str, conversation: str | None) -> str:
    return redactor.redact(text, analyzer.scan_pii(text), conversation)


def test_tag_mode_numbers_values_per_type(analyzer: Analyzer) -> None:
    text = "a@example.com, b@example.com, a@example.com, tel 06 12 34 56 78"
    redacted = _redact(analyzer, Redactor("tag", secret=b"k"), text, None)
    assert redacted == "<EMAIL_1>, <EMAIL_2>, <EMAIL_1>, tel <PHONE_1>"


def test_tags_are_stable_within_a_conversation_and_separate_across(analyzer: Analyzer) -> None:
    redactor = Redactor("tag", secret=b"k")
    first = _redact(analyzer, redactor, "write to a@example.com", "c1")
    second = _redact(analyzer, redactor, "cc b@example.com and A@EXAMPLE.COM", "c1")
    other = _redact(analyzer, redactor, "only b@example.com", "c2")
    assert first == "write to <EMAIL_1>"
    assert second == "cc <EMAIL_2> and <EMAIL_1>"  # case-insensitive for e-mails
    assert other == "only <EMAIL_1>"


def test_mapping_is_keyed_by_hmac_never_the_raw_value(analyzer: Analyzer) -> None:
    redactor = Redactor("tag", secret=b"k")
    _redact(analyzer, redactor, "a@example.com", "c1")
    conversation = redactor._conversations["c1"]
    assert all(isinstance(key, bytes) and len(key) == 32 for key in conversation.tags)
    assert b"a@example.com" not in b"".join(conversation.tags)


def test_conversations_are_bounded_lru(analyzer: Analyzer) -> None:
    redactor = Redactor("tag", secret=b"k", max_conversations=2)
    for conversation in ("c1", "c2", "c1", "c3"):
        _redact(analyzer, redactor, "a@example.com", conversation)
    assert redactor.conversations() == 2
    assert list(redactor._conversations) == ["c1", "c3"]  # c2 was least recently used


def test_mask_keeps_shape_and_last_four_of_cards(analyzer: Analyzer) -> None:
    redactor = Redactor("mask")
    text = "card 4111 1111 1111 1111, mail a.b@example.com"
    assert (
        _redact(analyzer, redactor, text, None) == "card **** **** **** 1111, mail *.*@*******.***"
    )


def test_hash_mode_is_keyed_and_deterministic(analyzer: Analyzer) -> None:
    text = "mail a@example.com"
    one = _redact(analyzer, Redactor("hash", secret=b"k1"), text, None)
    again = _redact(analyzer, Redactor("hash", secret=b"k1"), text, None)
    other_key = _redact(analyzer, Redactor("hash", secret=b"k2"), text, None)
    assert one == again
    assert one != other_key
    assert one.startswith("mail <EMAIL:") and "a@example.com" not in one


def test_overlapping_findings_are_redacted_once() -> None:
    findings = [
        Finding("PHONE", 0, 10, "0612345678", 0.7, "phone"),
        Finding("FR_SIREN", 2, 11, "123456789", 0.6, "fr_siren"),
    ]
    assert Redactor("tag").redact("0612345678 x", findings) == "<PHONE_1> x"


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="redaction mode"):
        Redactor("blur")  # type: ignore[arg-type]


def test_concurrent_redaction_keeps_one_numbering(analyzer: Analyzer) -> None:
    redactor = Redactor("tag", secret=b"k")
    texts = [f"user{i}@example.com" for i in range(50)]
    results: list[str] = []
    lock = threading.Lock()

    def work(text: str) -> None:
        redacted = _redact(analyzer, redactor, text, "shared")
        with lock:
            results.append(redacted)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(f"<EMAIL_{i}>" for i in range(1, 51))
