"""The chain's building blocks: canonical form, salted digests, hashing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

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
