"""The audit hash chain: how an audit entry is built, hashed and checked.

    hash_n = SHA256( canonical({seq, event_id, event_type, severity, created_at,
                                request_id, conversation_id, digests[, writer]})
                     + "\n" + metadata_json + "\n" + hash_{n-1} )

`writer` = [writer id, writer seq] of the process that journaled the event (absent for
records appended by the store itself: erasure, retention purge). Each writer numbers
its events 1, 2, 3..., so a record missing from the chain shows as a gap.

`metadata_json` is the canonical JSON of the event's metadata, stored as it was hashed
(canonical JSON never contains a raw newline, so the separators are unambiguous).

Texts (prompt, response, feedback comment) are not hashed themselves: each has a digest,
HMAC-SHA256 keyed by a random per-entry salt. Erasure nulls the texts *and* the salt and
keeps the digests, so the chain still verifies while the erased text can no longer be
confirmed by guessing it and hashing the guess.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aimonitor.store.records import (
    ConfigChangeRecord,
    Event,
    FeedbackRecord,
    RequestRecord,
    VerifyResult,
    event_id_of,
    event_severity,
    event_type,
    record_fields,
    utc,
)

GENESIS_HASH = "0" * 64
TEXT_KINDS = ("prompt", "response", "comment")


# What `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
# builds on every call, built once.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8, no NaN."""
    return _CANONICAL.encode(value)


def timestamp(value: datetime) -> str:
    return utc(value).isoformat(timespec="microseconds")


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def text_digest(salt: str, text: str) -> str:
    return hmac.digest(bytes.fromhex(salt), text.encode("utf-8"), "sha256").hex()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit table."""

    seq: int
    event_id: str
    event_type: str
    severity: str
    created_at: datetime
    request_id: str | None
    conversation_id: str | None
    metadata_json: str  # canonical JSON, exactly as hashed and stored
    texts: dict[str, str | None] = field(default_factory=dict)
    digests: dict[str, str | None] = field(default_factory=dict)
    salt: str | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""
    writer_id: str | None = None
    writer_seq: int | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.metadata_json)
        except ValueError:
            return {"unparseable_metadata": self.metadata_json}
        return parsed if isinstance(parsed, dict) else {"unparseable_metadata": parsed}

    def to_export(self) -> dict[str, Any]:
        """The JSONL line `aimonitor audit export` writes for a SIEM."""
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "severity": self.severity,
            "created_at": timestamp(self.created_at),
            "request_id": self.request_id,
            "conversation_id": self.conversation_id,
            "metadata": self.metadata,
            "texts": {k: self.texts.get(k) for k in TEXT_KINDS},
            "digests": {k: self.digests.get(k) for k in TEXT_KINDS},
            "writer_id": self.writer_id,
            "writer_seq": self.writer_seq,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def compute_hash(entry: AuditEntry) -> str:
    return _chain_hash(
        entry.seq,
        entry.event_id,
        entry.event_type,
        entry.severity,
        entry.created_at,
        entry.request_id,
        entry.conversation_id,
        entry.digests,
        entry.metadata_json,
        entry.prev_hash,
        _writer(entry.writer_id, entry.writer_seq),
    )


def _writer(writer_id: str | None, writer_seq: int | None) -> tuple[str, int] | None:
    return None if writer_id is None or writer_seq is None else (writer_id, writer_seq)


def _chain_hash(
    seq: int,
    event_id: str,
    event_type: str,
    severity: str,
    created_at: datetime,
    request_id: str | None,
    conversation_id: str | None,
    digests: dict[str, str | None],
    metadata_json: str,
    prev_hash: str,
    writer: tuple[str, int] | None,
) -> str:
    body = {
        "seq": seq,
        "event_id": event_id,
        "event_type": event_type,
        "severity": severity,
        "created_at": timestamp(created_at),
        "request_id": request_id,
        "conversation_id": conversation_id,
        "digests": {k: digests.get(k) for k in TEXT_KINDS},
    }
    if writer is not None:  # records from before writer stamps hash as they always did
        body["writer"] = list(writer)
    payload = _CANONICAL.encode(body) + "\n" + metadata_json + "\n" + prev_hash
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def seal(
    *,
    seq: int,
    prev_hash: str,
    event_id: str,
    event_type: str,
    severity: str,
    created_at: datetime,
    metadata: dict[str, Any],
    request_id: str | None = None,
    conversation_id: str | None = None,
    texts: dict[str, str | None] | None = None,
    writer: tuple[str, int] | None = None,
) -> AuditEntry:
    """Build a chained entry: salt and digest the texts, then hash."""
    texts = {k: v for k, v in (texts or {}).items() if v is not None}
    salt = secrets.token_hex(16) if texts else None
    digests: dict[str, str | None] = {
        k: (text_digest(salt, v) if salt is not None and v is not None else None)
        for k, v in texts.items()
    }
    created_at = utc(created_at)
    metadata_json = _CANONICAL.encode(metadata)
    # Hashed before the (frozen) entry is built: one construction, no `replace`.
    entry_hash = _chain_hash(
        seq,
        event_id,
        event_type,
        severity,
        created_at,
        request_id,
        conversation_id,
        digests,
        metadata_json,
        prev_hash,
        writer,
    )
    return AuditEntry(
        seq=seq,
        event_id=event_id,
        event_type=event_type,
        severity=severity,
        created_at=created_at,
        request_id=request_id,
        conversation_id=conversation_id,
        metadata_json=metadata_json,
        texts=texts,
        digests=digests,
        salt=salt,
        prev_hash=prev_hash,
        hash=entry_hash,
        writer_id=None if writer is None else writer[0],
        writer_seq=None if writer is None else writer[1],
    )


# Not part of the metadata: the time and id are hashed as columns of their own, the
# texts only through their salted digests.
_NOT_METADATA = frozenset({"created_at", "event_id", "prompt_text", "response_text", "comment"})


def event_metadata(event: Event) -> dict[str, Any]:
    """Everything about an event except its free texts."""
    metadata = {k: v for k, v in record_fields(event).items() if k not in _NOT_METADATA}
    if isinstance(event, RequestRecord):
        metadata.update(
            decision=str(event.decision),
            scores={k: _finite(v) for k, v in event.scores.items()},
            latency_ms=_finite(event.latency_ms),
            cost_eur=_finite(event.cost_eur),
            ttft_ms=_finite(event.ttft_ms),
            stage_ms={k: _finite(v) for k, v in event.stage_ms.items()},
        )
    return metadata


def event_texts(event: Event) -> dict[str, str | None]:
    if isinstance(event, RequestRecord):
        return {"prompt": event.prompt_text, "response": event.response_text}
    if isinstance(event, FeedbackRecord):
        return {"comment": event.comment}
    return {}


def seal_event(
    event: Event,
    *,
    seq: int,
    prev_hash: str,
    conversation_id: str | None,
    writer: tuple[str, int] | None = None,
) -> AuditEntry:
    request_id = None if isinstance(event, ConfigChangeRecord) else event.request_id
    return seal(
        seq=seq,
        prev_hash=prev_hash,
        event_id=event_id_of(event),
        event_type=event_type(event),
        severity=event_severity(event),
        created_at=event.created_at,
        metadata=event_metadata(event),
        request_id=request_id,
        conversation_id=conversation_id,
        texts=event_texts(event),
        writer=writer,
    )


def erase_texts(entry: AuditEntry) -> AuditEntry:
    """The entry with its texts and salt removed, digests kept."""
    return replace(entry, texts={}, salt=None)


def check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str | None:
    """Why this entry breaks the chain, or None when it is sound."""
    if entry.seq != expected_seq:
        return (
            f"sequence number {entry.seq} where {expected_seq} was expected"
            " (record removed or reordered)"
        )
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the previous record's hash (record removed or reordered)"
    if compute_hash(entry) != entry.hash:
        return "hash does not match the record's content (a stored field was altered)"
    for kind, text in entry.texts.items():
        if text is None:
            continue
        digest = entry.digests.get(kind)
        if digest is None or entry.salt is None:
            return f"{kind} text present without a digest (a stored field was altered)"
        if not hmac.compare_digest(text_digest(entry.salt, text), digest):
            return f"{kind} text does not match its digest (a stored field was altered)"
    return None


class _Gaps:
    """Each writer's records must come with seq 1, 2, 3... in chain order."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.missing = 0
        self.first: tuple[str, str] | None = None  # (where, why)

    def see(self, entry: AuditEntry) -> None:
        if entry.writer_id is None or entry.writer_seq is None:
            return
        writer, seq = entry.writer_id, entry.writer_seq
        expected = self.last.get(writer, 0) + 1
        self.last[writer] = max(seq, expected - 1)
        if seq == expected:
            return
        if seq > expected:
            self.missing += seq - expected
            where = f"{writer}#{expected}"
            why = (
                f"records {expected}..{seq - 1} of writer {writer} are missing"
                " (handed to the writer but never recorded)"
            )
        else:
            where, why = f"{writer}#{seq}", f"record {seq} of writer {writer} out of order"
        if self.first is None:
            self.first = (where, why)


def verify_entries(entries: Iterable[AuditEntry], head: tuple[int, str] | None) -> VerifyResult:
    """Walk entries in seq order. `head` is the stored chain head (last seq, last hash)
    and catches records removed from the end; writer sequence numbers catch records that
    never reached the chain."""
    checked = 0
    prev_hash = GENESIS_HASH
    last_seq = 0
    gaps = _Gaps()
    iterator = iter(entries)
    while True:
        try:
            entry = next(iterator)
        except StopIteration:
            break
        except (ValueError, TypeError) as exc:  # a column no longer parses (e.g. a bad date)
            unreadable = f"unreadable record after seq {last_seq} (a stored field was altered)"
            return VerifyResult(False, checked, f"seq:{last_seq + 1}", f"{unreadable}: {exc}")
        broken = check_entry(entry, last_seq + 1, prev_hash)
        if broken is not None:
            return VerifyResult(False, checked, entry.event_id, broken)
        gaps.see(entry)
        checked += 1
        prev_hash = entry.hash
        last_seq = entry.seq
    head_seq, head_hash = head if head is not None else (0, GENESIS_HASH)
    if head_seq != last_seq or head_hash != prev_hash:
        if head_seq > last_seq:
            reason = (
                f"chain head is at seq {head_seq} but the last record is seq {last_seq}"
                " (records removed at the end)"
            )
            return VerifyResult(False, checked, f"seq:{last_seq + 1}", reason)
        return VerifyResult(
            False, checked, f"seq:{head_seq}", "chain head does not match the last record"
        )
    if gaps.first is not None:
        where, why = gaps.first
        return VerifyResult(False, checked, where, why, missing=gaps.missing)
    return VerifyResult(True, checked)
