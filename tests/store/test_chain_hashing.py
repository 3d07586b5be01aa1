"""The chain's building blocks: canonical form, salted digests, hashing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from aimonitor.store import chain
from aimonitor.store.chain import (
    GENESIS_HASH,
    canonical,
    check_entry,
    compute_hash,
    erase_texts,
    seal,
    text_digest,
    verify_entries,
)

T = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _entry(seq: int = 1, prev: str = GENESIS_HASH, **texts: str | None):  # type: ignore[no-untyped-def]
    return seal(seq=seq, prev_hash=prev, event_id=f"e{seq}", event_type="request",
                severity="info", created_at=T, metadata={"b": 1, "a": [1.5, None]},
                texts=texts)  # fmt: skip


def test_canonical_json_is_independent_of_key_order() -> None:
    assert canonical({"b": 1, "a": {"y": 2, "x": "é"}}) == '{"a":{"x":"é","y":2},"b":1}'


def test_hash_covers_the_previous_hash() -> None:
    entry = _entry()
    assert compute_hash(entry) == entry.hash
    assert compute_hash(replace(entry, prev_hash="f" * 64)) != entry.hash


def test_digests_are_salted_per_entry() -> None:
    one, two = _entry(prompt="same text"), _entry(prompt="same text")
    assert one.salt != two.salt
    assert one.digests["prompt"] != two.digests["prompt"]
    assert one.salt is not None
    assert text_digest(one.salt, "same text") == one.digests["prompt"]


def test_erasing_texts_keeps_the_entry_valid_and_unguessable() -> None:
    entry = _entry(prompt="call me at [PHONE_1]", response="ok")
    erased = erase_texts(entry)
    assert erased.texts == {} and erased.salt is None
    assert erased.digests == entry.digests
    assert check_entry(erased, 1, GENESIS_HASH) is None


def test_a_changed_text_no_longer_matches_its_digest() -> None:
    entry = _entry(prompt="original")
    forged = replace(entry, texts={"prompt": "forged"})
    reason = check_entry(forged, 1, GENESIS_HASH)
    assert reason is not None and "digest" in reason


def test_entries_without_texts_have_no_salt() -> None:
    entry = _entry(prompt=None)
    assert entry.salt is None and entry.digests == {}


def test_verify_walks_the_links() -> None:
    first = _entry(1)
    second = _entry(2, first.hash)
    assert verify_entries([first, second], (2, second.hash)).ok
    assert verify_entries([second], (2, second.hash)).first_broken == "e2"
    assert verify_entries([first], (2, second.hash)).first_broken == "seq:2"
    result = verify_entries([first, second], (1, first.hash))
    assert not result.ok and result.first_broken == "seq:1"


def test_hashes_digests_and_metadata_are_stable_across_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Golden values from the first implementation: a rewrite (for speed or otherwise)
    # must keep every stored chain verifiable, hence these exact strings.
    monkeypatch.setattr(
        chain, "secrets", SimpleNamespace(token_hex=lambda n=32: "0123456789abcdef" * (n // 8))
    )
    entry = seal(
        seq=7,
        prev_hash="ab" * 32,
        event_id="e-1",
        event_type="request",
        severity="info",
        created_at=datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC),
        metadata={"z": [1, 2.5, None], "a": {"é": 'ü\n"x"', "b": True}, "n": float("nan")},
        request_id="r-1",
        conversation_id=None,
        texts={"prompt": "Bonjour ☃", "response": None},
    )
    assert entry.metadata_json == '{"a":{"b":true,"é":"ü\\n\\"x\\""},"n":NaN,"z":[1,2.5,null]}'
    assert entry.digests == {
        "prompt": "2f33b49b07c1a04c98a8d2e6864de57e46196c3a5ff20c686c9a9fffc3f3f16a"
    }
    assert entry.hash == "191861646d18dfb9e66ff4dd2d289209a6df79f42e973f72a0c3e005c2a36a53"
    assert compute_hash(entry) == entry.hash
    assert check_entry(entry, 7, "ab" * 32) is None
